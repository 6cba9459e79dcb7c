//! Why a sign-in ended back on `/login`. The server redirects with `?error=<code>` and the page shows our own
//! sentence for that code, so a link cannot put words of its choosing on the sign-in page (text from a
//! provider's `error_description` or a crafted `?error=` never appears there).

/// Every reason a sign-in can fail, as the code carried in `/login?error=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInProblem {
    UnknownProvider,
    Unavailable,
    ProviderUnreachable,
    ProviderRefused,
    ProviderAnswerInvalid,
    ProviderDenied,
    ProviderNeedsInteraction,
    ProviderMisconfigured,
    ProviderFailed,
    NoCode,
    OtherBrowser,
    Expired,
    NoEmail,
    Conflict,
    NotAPersona,
    PersonasNotSeeded,
}

impl SignInProblem {
    pub const ALL: [SignInProblem; 16] = [
        Self::UnknownProvider,
        Self::Unavailable,
        Self::ProviderUnreachable,
        Self::ProviderRefused,
        Self::ProviderAnswerInvalid,
        Self::ProviderDenied,
        Self::ProviderNeedsInteraction,
        Self::ProviderMisconfigured,
        Self::ProviderFailed,
        Self::NoCode,
        Self::OtherBrowser,
        Self::Expired,
        Self::NoEmail,
        Self::Conflict,
        Self::NotAPersona,
        Self::PersonasNotSeeded,
    ];

    /// The code in the URL.
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownProvider => "unknown-provider",
            Self::Unavailable => "unavailable",
            Self::ProviderUnreachable => "provider-unreachable",
            Self::ProviderRefused => "provider-refused",
            Self::ProviderAnswerInvalid => "provider-answer-invalid",
            Self::ProviderDenied => "provider-denied",
            Self::ProviderNeedsInteraction => "provider-needs-interaction",
            Self::ProviderMisconfigured => "provider-misconfigured",
            Self::ProviderFailed => "provider-failed",
            Self::NoCode => "no-code",
            Self::OtherBrowser => "other-browser",
            Self::Expired => "expired",
            Self::NoEmail => "no-email",
            Self::Conflict => "conflict",
            Self::NotAPersona => "not-a-persona",
            Self::PersonasNotSeeded => "personas-not-seeded",
        }
    }

    /// The problem a code names; anything else is a generic failure, never echoed.
    pub fn from_code(code: &str) -> SignInProblem {
        Self::ALL
            .into_iter()
            .find(|p| p.code() == code)
            .unwrap_or(Self::ProviderFailed)
    }

    /// What `/login` says.
    pub fn message(self) -> &'static str {
        match self {
            Self::UnknownProvider => "unknown sign-in provider",
            Self::Unavailable => "sign-in is unavailable right now; try again shortly",
            Self::ProviderUnreachable => "the sign-in provider could not be reached; try again shortly",
            Self::ProviderRefused => "the sign-in provider refused the login; start it again",
            Self::ProviderAnswerInvalid => {
                "the sign-in provider's answer did not verify; start the sign-in again"
            }
            Self::ProviderDenied => "the sign-in was cancelled or the provider denied access",
            Self::ProviderNeedsInteraction => {
                "the provider needs you to sign in or give consent there first; start the sign-in again"
            }
            Self::ProviderMisconfigured => {
                "the sign-in provider refused Agora's request; ask an administrator to check the provider settings"
            }
            Self::ProviderFailed => "the sign-in provider could not complete the sign-in; start it again",
            Self::NoCode => "the provider's answer had no code or state; start the sign-in again",
            Self::OtherBrowser => "this sign-in was not started in this browser; start it again",
            Self::Expired => "this sign-in has expired or was already used; start it again",
            Self::NoEmail => {
                "the sign-in provider did not share an email address; allow the email scope"
            }
            Self::Conflict => {
                "another sign-in was setting up this account at the same moment; start the sign-in again"
            }
            Self::NotAPersona => "that is not one of the demo personas",
            Self::PersonasNotSeeded => "the demo personas are not seeded yet: run `agora seed`",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SignInProblem;

    #[test]
    fn every_code_names_its_problem_and_other_text_is_never_echoed() {
        for problem in SignInProblem::ALL {
            assert_eq!(SignInProblem::from_code(problem.code()), problem);
        }
        let crafted = SignInProblem::from_code("Your account is locked: call +1 555 0100");
        assert_eq!(crafted, SignInProblem::ProviderFailed);
        assert!(!crafted.message().contains("555"));
    }
}
