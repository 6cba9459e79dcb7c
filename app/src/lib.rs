//! Agora's user interface: Leptos pages rendered on the server and hydrated in the browser.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod pages;
pub mod sign_in_problem;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::errors::NotFound;
use crate::components::layout::Layout;
use crate::pages::governance::{
    domain::DomainCompliancePage, overview::GovernancePage, policies::PoliciesPage,
    waivers::WaiversPage,
};
use crate::pages::product::{
    contract::ContractTab, edit::EditTab, overview::OverviewTab, ports::PortsTab,
    quality::QualityTab, schema::SchemaTab, subscribe::SubscribeTab, versions::VersionsTab,
    ProductShell,
};
use crate::pages::{
    admin::AdminPage, home::HomePage, inbox::InboxPage, login::LoginPage,
    marketplace::MarketplacePage, mesh_map::MeshMapPage, new_product::NewProductPage,
    subscriptions::SubscriptionsPage, tokens::TokensPage, webhooks::WebhooksPage,
};

/// The HTML document around the app (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Runs only in the browser, once the wasm has taken over the server-rendered page.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/agora.css" />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Meta name="description" content="Agora: the data-mesh marketplace" />
        <Title formatter=|title: String| format!("{title} · Agora") />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    // Async: the whole page is rendered before the first byte, so titles and 404 statuses
                    // that depend on data are right, and the page works without JavaScript.
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/products") view=MarketplacePage ssr=SsrMode::Async />
                    <Route path=path!("/products/new") view=NewProductPage ssr=SsrMode::Async />
                    <ParentRoute
                        path=path!("/products/:domain/:product")
                        view=ProductShell
                        ssr=SsrMode::Async
                    >
                        <Route path=path!("") view=OverviewTab />
                        <Route path=path!("schema") view=SchemaTab />
                        <Route path=path!("contract") view=ContractTab />
                        <Route path=path!("quality") view=QualityTab />
                        <Route path=path!("ports") view=PortsTab />
                        <Route path=path!("versions") view=VersionsTab />
                        <Route path=path!("edit") view=EditTab />
                        <Route path=path!("subscribe") view=SubscribeTab />
                    </ParentRoute>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/settings/tokens") view=TokensPage ssr=SsrMode::Async />
                    <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async />
                    <Route path=path!("/subscriptions") view=SubscriptionsPage ssr=SsrMode::Async />
                    <Route path=path!("/inbox") view=InboxPage ssr=SsrMode::Async />
                    <Route path=path!("/settings/webhooks") view=WebhooksPage ssr=SsrMode::Async />
                    <Route path=path!("/mesh") view=MeshMapPage ssr=SsrMode::Async />
                    <Route path=path!("/governance") view=GovernancePage ssr=SsrMode::Async />
                    <Route
                        path=path!("/governance/policies")
                        view=PoliciesPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/governance/waivers") view=WaiversPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/governance/domains/:domain")
                        view=DomainCompliancePage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </Layout>
        </Router>
    }
}
