//! What the product edit page needs, read once here so the page and any other client fill the same forms.
use sea_orm::ConnectionTrait;

use crate::access::Viewer;
use crate::catalog::listing::find_product;
use crate::catalog::views::{port_rows, PortRow};
use crate::error::Result;

/// One SLA row of the contract form, as the document states it.
#[derive(Clone, Debug, PartialEq)]
pub struct SlaTerm {
    pub property: String,
    pub value: String,
    pub unit: String,
}

/// One support channel of the contract form.
#[derive(Clone, Debug, PartialEq)]
pub struct SupportChannel {
    pub channel: String,
    pub url: String,
}

/// Everything the edit page shows, read once here so the page and any other client fill the same forms.
/// The terms, SLA and support rows come from the first contract's document (empty when there is none),
/// because that is what the contract form writes back ([`crate::catalog::contracts::edit_terms`]).
#[derive(Clone, Debug, PartialEq)]
pub struct EditContext {
    pub id: i64,
    pub domain_slug: String,
    pub slug: String,
    pub name: String,
    pub summary: String,
    /// Markdown source of the docs.
    pub description: String,
    pub kind: crate::kinds::ProductKind,
    pub status: crate::kinds::ProductStatus,
    pub tags: Vec<String>,
    pub ports: Vec<PortRow>,
    /// The first contract as v3.1.0 YAML (empty when the product has none).
    pub contract_yaml: String,
    pub purpose: String,
    pub usage: String,
    pub limitations: String,
    pub sla: Vec<SlaTerm>,
    pub support: Vec<SupportChannel>,
    pub proposal: crate::catalog::versions::Proposal,
}

/// What an editor of `domain/product` needs. A product the viewer may not see is not found; one they may see
/// but not change (not their team's, or retired) is refused the same way a change would be.
pub async fn edit_context(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    domain: &str,
    product: &str,
) -> Result<EditContext> {
    let found = find_product(db, viewer, domain, product).await?;
    let p = crate::catalog::contracts::product_for_change(db, viewer, found.id).await?;
    let ports = port_rows(db, p.id).await?;
    let tags = crate::catalog::tags::of_product(db, p.id).await?;
    let contract = crate::catalog::contracts::of_product(db, p.id)
        .await?
        .into_iter()
        .next();
    let typed = contract
        .as_ref()
        .and_then(|c| crate::standards::odcs::Contract::from_document(&c.document).ok())
        .unwrap_or_default();
    let proposal = crate::catalog::versions::propose(db, &p).await?;
    let terms = typed.description.clone().unwrap_or_default();
    Ok(EditContext {
        id: p.id,
        domain_slug: domain.to_owned(),
        contract_yaml: contract
            .map(|c| crate::standards::odcs::to_yaml(&c.document))
            .unwrap_or_default(),
        purpose: terms.purpose.unwrap_or_default(),
        usage: terms.usage.unwrap_or_default(),
        limitations: terms.limitations.unwrap_or_default(),
        sla: typed
            .sla_properties
            .iter()
            .map(|s| SlaTerm {
                property: s.property.clone(),
                value: crate::standards::odcs::model::value_text(&s.value),
                unit: s.unit.clone().unwrap_or_default(),
            })
            .collect(),
        support: typed
            .support()
            .iter()
            .map(|s| SupportChannel {
                channel: s.channel.clone(),
                url: s.url.clone().unwrap_or_default(),
            })
            .collect(),
        slug: p.slug,
        name: p.name,
        summary: p.summary,
        description: p.description,
        kind: p.kind,
        status: p.status,
        tags,
        ports,
        proposal,
    })
}
