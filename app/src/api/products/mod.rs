//! The product page tabs and the producer's edits.

// A server function takes one argument per form field.
#![allow(clippy::too_many_arguments)]

pub mod model;
pub use model::*;

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::ssr::{app_context, viewer};
    /// The product as the viewer may see it: what the reads by id take.
    pub async fn visible(
        domain: &str,
        product: &str,
    ) -> Result<mesh::catalog::listing::VisibleProduct, crate::error::AppError> {
        let ctx = app_context()?;
        Ok(mesh::catalog::products::id_of(&ctx.db, &viewer(), domain, product).await?)
    }
}

#[server(prefix = "/api", endpoint = "get_product_schema")]
pub async fn get_product_schema(
    domain: String,
    product: String,
    q: Option<String>,
) -> Result<Vec<SchemaObject>, AppError> {
    let ctx = ssr::app_context()?;
    let objects =
        mesh::catalog::views::schema(&ctx.db, &ssr::viewer(), &domain, &product, q.as_deref())
            .await?;
    Ok(objects.into_iter().map(Into::into).collect())
}

#[server(prefix = "/api", endpoint = "get_product_contracts")]
pub async fn get_product_contracts(
    domain: String,
    product: String,
) -> Result<Vec<ContractCard>, AppError> {
    let ctx = ssr::app_context()?;
    let cards = mesh::catalog::views::contracts(&ctx.db, &ssr::viewer(), &domain, &product).await?;
    Ok(cards.into_iter().map(Into::into).collect())
}

#[server(prefix = "/api", endpoint = "get_product_quality")]
pub async fn get_product_quality(
    domain: String,
    product: String,
) -> Result<Vec<QualityRule>, AppError> {
    let ctx = ssr::app_context()?;
    let rules =
        mesh::catalog::views::quality_rules(&ctx.db, &ssr::viewer(), &domain, &product).await?;
    Ok(rules.into_iter().map(Into::into).collect())
}

#[server(prefix = "/api", endpoint = "get_product_ports")]
pub async fn get_product_ports(domain: String, product: String) -> Result<Vec<PortRow>, AppError> {
    let ctx = ssr::app_context()?;
    let rows = mesh::catalog::views::ports(&ctx.db, &ssr::viewer(), &domain, &product).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

#[server(prefix = "/api", endpoint = "get_product_versions")]
pub async fn get_product_versions(
    domain: String,
    product: String,
) -> Result<Vec<VersionRow>, AppError> {
    let ctx = ssr::app_context()?;
    let product = ssr::visible(&domain, &product).await?;
    Ok(mesh::catalog::versions::history(&ctx.db, product)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// What the edit page shows; only for members of the owning team (the rule and the read live in mesh).
#[server(prefix = "/api", endpoint = "get_edit_context")]
pub async fn get_edit_context(domain: String, product: String) -> Result<EditContext, AppError> {
    let ctx = ssr::app_context()?;
    let e = mesh::catalog::edit_context::edit_context(&ctx.db, &ssr::viewer(), &domain, &product)
        .await?;
    Ok(EditContext {
        id: e.id,
        domain_slug: e.domain_slug,
        slug: e.slug,
        name: e.name,
        summary: e.summary,
        description: e.description,
        kind: e.kind,
        status: e.status,
        tags: e.tags.join(", "),
        ports: e.ports.into_iter().map(Into::into).collect(),
        contract_yaml: e.contract_yaml,
        purpose: e.purpose,
        usage: e.usage,
        limitations: e.limitations,
        sla: e
            .sla
            .into_iter()
            .map(|s| SlaRow {
                property: s.property,
                value: s.value,
                unit: s.unit,
            })
            .collect(),
        support: e
            .support
            .into_iter()
            .map(|s| SupportRow {
                channel: s.channel,
                url: s.url,
            })
            .collect(),
        proposal: e.proposal.into(),
    })
}

#[server(prefix = "/api", endpoint = "get_new_product_options")]
pub async fn get_new_product_options() -> Result<NewProductOptions, AppError> {
    let ctx = ssr::app_context()?;
    let (domains, teams) =
        mesh::catalog::products::creation_options(&ctx.db, &ssr::viewer()).await?;
    Ok(NewProductOptions { domains, teams })
}

/// Creates a draft product and goes to its edit page.
#[server(prefix = "/api", endpoint = "create_product")]
pub async fn create_product(
    domain: String,
    owner_team: String,
    name: String,
    #[server(default)] slug: String,
    summary: String,
    kind: String,
    #[server(default)] tags: String,
    #[server(default)] description: String,
) -> Result<(), AppError> {
    let ctx = ssr::app_context()?;
    let viewer = ssr::viewer();
    let new = mesh::catalog::products::NewProduct {
        domain: domain.clone(),
        owner_team,
        name,
        slug,
        summary,
        description,
        kind,
        tags,
    };
    let product = mesh::catalog::products::create(&ctx.db, &viewer, &new).await?;
    leptos_axum::redirect(&format!("/products/{domain}/{}/edit", product.slug));
    Ok(())
}

#[server(prefix = "/api", endpoint = "update_product")]
pub async fn update_product(
    id: i64,
    name: String,
    summary: String,
    kind: String,
    #[server(default)] tags: String,
    #[server(default)] description: String,
) -> Result<(), AppError> {
    let ctx = ssr::app_context()?;
    let edit = mesh::catalog::products::ProductEdit {
        name,
        summary,
        description,
        kind,
        tags,
    };
    mesh::catalog::products::update(&ctx.db, &ssr::viewer(), id, &edit).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "add_port")]
pub async fn add_port(
    id: i64,
    slug: String,
    name: String,
    kind: String,
    location: String,
    approval_mode: String,
    #[server(default)] description: String,
) -> Result<(), AppError> {
    let ctx = ssr::app_context()?;
    let new = mesh::catalog::products::NewPort {
        slug,
        name,
        kind,
        location,
        approval_mode,
        description,
    };
    mesh::catalog::products::add_port(&ctx.db, &ssr::viewer(), id, &new).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "remove_port")]
pub async fn remove_port(id: i64, slug: String) -> Result<(), AppError> {
    let ctx = ssr::app_context()?;
    mesh::catalog::products::remove_port(&ctx.db, &ssr::viewer(), id, &slug).await?;
    Ok(())
}

/// Imports (creates or replaces) a contract from ODCS YAML.
#[server(prefix = "/api", endpoint = "import_contract")]
pub async fn import_contract(
    id: i64,
    yaml: String,
    #[server(default)] port: String,
) -> Result<ImportResult, AppError> {
    let ctx = ssr::app_context()?;
    let port = Some(port).filter(|p| !p.is_empty());
    let imported =
        mesh::catalog::contracts::import(&ctx.db, &ssr::viewer(), id, &yaml, port.as_deref())
            .await?;
    Ok(ImportResult {
        odcs_id: imported.odcs_id,
        outcome: imported.outcome,
    })
}

/// The contract form: terms, SLA rows and support channels (`sla[0][property]`...).
#[server(prefix = "/api", endpoint = "edit_contract_terms")]
pub async fn edit_contract_terms(
    id: i64,
    #[server(default)] purpose: String,
    #[server(default)] usage: String,
    #[server(default)] limitations: String,
    #[server(default)] sla: Vec<SlaRow>,
    #[server(default)] support: Vec<SupportRow>,
) -> Result<(), AppError> {
    let ctx = ssr::app_context()?;
    let form = mesh::catalog::contracts::TermsForm {
        purpose,
        usage,
        limitations,
        sla: sla
            .into_iter()
            .map(|r| (r.property, r.value, r.unit))
            .collect(),
        support: support.into_iter().map(|r| (r.channel, r.url)).collect(),
    };
    mesh::catalog::contracts::edit_terms(&ctx.db, &ssr::viewer(), id, &form).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "publish_product")]
pub async fn publish_product(id: i64, version: String, summary: String) -> Result<(), AppError> {
    let ctx = ssr::app_context()?;
    mesh::catalog::versions::publish(&ctx.db, &ssr::viewer(), id, &version, &summary).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "deprecate_product")]
pub async fn deprecate_product(
    id: i64,
    sunset_date: String,
    #[server(default)] replacement: String,
) -> Result<(), AppError> {
    let ctx = ssr::app_context()?;
    mesh::catalog::products::deprecate(&ctx.db, &ssr::viewer(), id, &sunset_date, &replacement)
        .await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "retire_product")]
pub async fn retire_product(id: i64) -> Result<(), AppError> {
    let ctx = ssr::app_context()?;
    mesh::catalog::products::retire(&ctx.db, &ssr::viewer(), id).await?;
    Ok(())
}
