use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::account::whoami;
use crate::api::account::Me;

/// Header with search and navigation, the page, and a footer.
#[component]
pub fn Layout(children: Children) -> impl IntoView {
    view! {
        <div class="flex min-h-screen flex-col bg-slate-50 text-slate-900">
            <Header />
            <main class="mx-auto w-full max-w-7xl flex-1 px-4 py-8 sm:px-6 lg:px-8">
                {children()}
            </main>
            <Footer />
        </div>
    }
}

#[component]
fn Header() -> impl IntoView {
    view! {
        <header class="border-b border-slate-200 bg-white">
            <div class="mx-auto flex max-w-7xl items-center gap-6 px-4 py-3 sm:px-6 lg:px-8">
                <a href="/" class="flex items-center gap-2 text-lg font-bold text-slate-900">
                    <span class="grid h-8 w-8 place-items-center rounded-lg bg-indigo-600 text-white">
                        "A"
                    </span>
                    "Agora"
                </a>
                <form action="/products" method="get" role="search" class="flex-1 max-w-xl">
                    <label for="site-search" class="sr-only">
                        "Search data products"
                    </label>
                    <input
                        id="site-search"
                        name="q"
                        type="search"
                        placeholder="Search data products, columns, teams…"
                        class="w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-1.5 text-sm placeholder:text-slate-400 focus:border-indigo-500 focus:bg-white focus:outline-none focus:ring-1 focus:ring-indigo-500"
                    />
                </form>
                <nav class="flex items-center gap-1 text-sm font-medium" aria-label="Main">
                    <NavLink href="/products" label="Marketplace" />
                    <NavLink href="/mesh" label="Mesh map" />
                    <NavLink href="/governance" label="Governance" />
                    <NavLink href="/inbox" label="Inbox" />
                    <Account />
                </nav>
            </div>
        </header>
    }
}

/// "Sign in", or the signed-in person with their menu (a `<details>`, so it works without JavaScript).
#[component]
fn Account() -> impl IntoView {
    // Both resources are created here, unconditionally and in the same order on the server and in the
    // browser, so hydration pairs each with its serialized value.
    let me = Resource::new(|| (), |_| whoami());
    let tick = RwSignal::new(0u32);
    let unread = Resource::new(
        move || tick.get(),
        |_| crate::api::subscriptions::get_unread_count(),
    );
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || tick.update(|t| *t += 1),
            std::time::Duration::from_secs(30),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    }
    let location = use_location();
    let sign_in = move || {
        let path = location.pathname.get();
        let target = if path.starts_with("/login") {
            "/".to_string()
        } else {
            path
        };
        view! {
            <a
                href=format!("/login?return_to={}", urlencode(&target))
                class="ml-2 rounded-md bg-indigo-600 px-3 py-1.5 text-white hover:bg-indigo-500"
            >
                "Sign in"
            </a>
        }
    };
    // Every boundary here is created up front, never inside a resolved `Suspend`: an id taken there is taken
    // at a different moment on the server than in the browser, which shifts the ids of the page's resources.
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let signed_in = matches!(me.await, Ok(Some(_)));
                let n = if signed_in {
                    crate::error::optional(unread.await).unwrap_or(0)
                } else {
                    0
                };
                signed_in.then(|| view! { <Bell n /> })
            })}
        </Transition>
        <Suspense fallback=sign_in>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! { <UserMenu me /> }.into_any(),
                    _ => sign_in().into_any(),
                }
            })}
        </Suspense>
    }
}

/// Unread notifications (the count refreshes every 30 seconds once hydrated).
#[component]
fn Bell(n: u64) -> impl IntoView {
    view! {
        <a
            href="/inbox"
            class="relative ml-1 rounded-md p-1.5 text-slate-600 hover:bg-slate-100"
            aria-label="Notifications"
            data-testid="bell"
        >
            <svg
                xmlns="http://www.w3.org/2000/svg"
                viewBox="0 0 24 24"
                fill="none"
                stroke="currentColor"
                stroke-width="1.8"
                class="h-5 w-5"
            >
                <path d="M15 17h5l-1.4-1.4A2 2 0 0 1 18 14.2V11a6 6 0 1 0-12 0v3.2c0 .5-.2 1-.6 1.4L4 17h5m6 0a3 3 0 1 1-6 0" />
            </svg>
            {(n > 0)
                .then(|| {
                    view! {
                        <span
                            class="absolute -right-1 -top-1 min-w-[1.1rem] rounded-full bg-rose-600 px-1 text-center text-[10px] font-bold leading-[1.1rem] text-white"
                            data-testid="unread"
                        >
                            {n}
                        </span>
                    }
                })}
        </a>
    }
}

#[component]
fn UserMenu(me: Me) -> impl IntoView {
    let initials: String = me
        .name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    view! {
        <details class="relative ml-2" data-testid="user-menu">
            <summary class="flex cursor-pointer list-none items-center gap-2 rounded-md px-2 py-1 hover:bg-slate-100">
                <span class="grid h-7 w-7 place-items-center rounded-full bg-indigo-600 text-xs font-semibold text-white">
                    {initials}
                </span>
                <span class="hidden text-slate-700 sm:inline" data-testid="user-name">
                    {me.name.clone()}
                </span>
            </summary>
            <div class="absolute right-0 z-10 mt-2 w-56 rounded-lg border border-slate-200 bg-white py-1 shadow-lg">
                <p class="border-b border-slate-100 px-3 py-2 text-xs text-slate-500">
                    {me.email.clone()} {me.is_steward.then_some(" · steward")}
                    {me.is_admin.then_some(" · admin")}
                </p>
                <a href="/subscriptions" class="block px-3 py-1.5 hover:bg-slate-50">
                    "My subscriptions"
                </a>
                <a href="/settings/tokens" class="block px-3 py-1.5 hover:bg-slate-50">
                    "API tokens"
                </a>
                {me
                    .owns_teams
                    .then(|| {
                        view! {
                            <a
                                href="/settings/webhooks"
                                class="block px-3 py-1.5 hover:bg-slate-50"
                            >
                                "Team webhooks"
                            </a>
                        }
                    })}
                {(me.is_admin || me.owns_teams)
                    .then(|| {
                        view! {
                            <a href="/admin" class="block px-3 py-1.5 hover:bg-slate-50">
                                "Teams & administration"
                            </a>
                        }
                    })}
                <form method="post" action="/auth/logout">
                    <button
                        class="block w-full px-3 py-1.5 text-left hover:bg-slate-50"
                        data-testid="sign-out"
                    >
                        "Sign out"
                    </button>
                </form>
            </div>
        </details>
    }
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[component]
fn NavLink(href: &'static str, label: &'static str) -> impl IntoView {
    let location = use_location();
    let active = move || location.pathname.get().starts_with(href);
    view! {
        <a
            href=href
            class="rounded-md px-3 py-1.5 text-slate-600 hover:bg-slate-100 hover:text-slate-900"
            class=("bg-slate-100", active)
            class=("text-slate-900", active)
            aria-current=move || active().then_some("page")
        >
            {label}
        </a>
    }
}

#[component]
fn Footer() -> impl IntoView {
    view! {
        <footer class="border-t border-slate-200 bg-white">
            <div class="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-2 px-4 py-4 text-xs text-slate-500 sm:px-6 lg:px-8">
                <p>"Agora — the data-mesh marketplace. Data as a product, owned by domains."</p>
                <p>
                    <a href="/api/v1/docs" class="hover:text-slate-700">
                        "API"
                    </a>
                    " · "
                    <a href="/healthz" class="hover:text-slate-700">
                        "Status"
                    </a>
                </p>
            </div>
        </footer>
    }
}
