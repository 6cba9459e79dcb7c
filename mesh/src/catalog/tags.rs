//! Free-form product tags, normalised to lowercase and shared across products.
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::entity::prelude::*;
use crate::error::{Error, Result};

/// Normalises a tag: trimmed, lowercase, inner spaces as dashes.
pub fn normalise(tag: &str) -> String {
    tag.trim()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-")
}

/// Replaces a product's tags with `names` (creating tags that do not exist yet).
pub async fn set_tags(db: &impl ConnectionTrait, product_id: i64, names: &[String]) -> Result<()> {
    ProductTag::delete_many()
        .filter(product_tag::Column::ProductId.eq(product_id))
        .exec(db)
        .await?;
    let mut wanted: Vec<String> = names
        .iter()
        .map(|n| normalise(n))
        .filter(|n| !n.is_empty())
        .collect();
    wanted.sort();
    wanted.dedup();
    for name in wanted {
        let tag = get_or_create(db, &name).await?;
        ProductTag::insert(product_tag::ActiveModel {
            product_id: Set(product_id),
            tag_id: Set(tag.id),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// The tag called `name`, created if it does not exist yet. An upsert, so two products created at once with the
/// same new tag both get it: the second insert waits for the first and then does nothing.
async fn get_or_create(db: &impl ConnectionTrait, name: &str) -> Result<tag::Model> {
    Tag::insert(tag::ActiveModel {
        name: Set(name.to_owned()),
        ..Default::default()
    })
    .on_conflict_do_nothing_on([tag::Column::Name])
    .exec_without_returning(db)
    .await?;
    Tag::find()
        .filter(tag::Column::Name.eq(name))
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found(format!("tag `{name}`")))
}

/// A product's tag names, sorted.
pub async fn of_product(db: &impl ConnectionTrait, product_id: i64) -> Result<Vec<String>> {
    use sea_orm::QueryOrder;
    Ok(ProductTag::find()
        .find_also_related(Tag)
        .filter(product_tag::Column::ProductId.eq(product_id))
        .order_by_asc(tag::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(_, t)| t.map(|t| t.name))
        .collect())
}
