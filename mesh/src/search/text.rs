//! The words of a query: tokens, the full-text expressions built from them, highlighting and spelling.
use std::collections::BTreeSet;

/// At most this many words of a query are searched.
const MAX_TOKENS: usize = 16;
const MAX_TOKEN_CHARS: usize = 64;

/// The words of a query, lowercased: runs of letters and digits. Everything else (quotes, operators, `*`,
/// `:`...) separates words, so no input can change the meaning of the full-text expression.
pub fn tokens(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.chars()
                .take(MAX_TOKEN_CHARS)
                .collect::<String>()
                .to_lowercase()
        })
        .take(MAX_TOKENS)
        .collect()
}

/// An FTS5 expression: every word, as a prefix (search as you type), all required.
pub fn fts5_expression(tokens: &[String]) -> String {
    tokens
        .iter()
        .map(|t| format!("\"{t}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A PostgreSQL `to_tsquery` expression with the same meaning.
pub fn tsquery_expression(tokens: &[String]) -> String {
    tokens
        .iter()
        .map(|t| format!("{t}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// Whether a word of the text matches a query token (the token is a prefix of it, as in the search).
fn word_matches(word: &str, tokens: &[String]) -> bool {
    let word = word.to_lowercase();
    tokens.iter().any(|t| lower_word_matches(&word, t))
}

/// Whether an already lowercased word matches one lowercased token: the token's stem is a prefix of it (a word
/// starting with the token starts with its stem too).
fn lower_word_matches(word: &str, token: &str) -> bool {
    word.starts_with(stem(token))
}

/// A token without the plural `s` of a word longer than three letters, so "orders" finds "order".
fn stem(token: &str) -> &str {
    if token.len() > 3 && token.ends_with('s') {
        &token[..token.len() - 1]
    } else {
        token
    }
}

/// Whether a word of an already lowercased text matches a token as [`lower_word_matches`] says: the text has
/// the token (or its stem) where a word starts. Found by substring search, which rules out most texts at once.
fn has_word(lowercased_text: &str, token: &str) -> bool {
    let needle = stem(token);
    if needle.is_empty() {
        return lowercased_text.contains(char::is_alphanumeric);
    }
    lowercased_text.match_indices(needle).any(|(at, _)| {
        lowercased_text[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric())
    })
}

/// How well a product the full-text index matched fits the words, from where each word occurs: the name (10)
/// over the summary (5) over a tag (4) over anywhere else (1: columns and docs, where the index found it); among
/// equals, shorter names first. Computed the same way whichever database found the matches, so SQLite and
/// PostgreSQL rank alike. All texts lowercased.
pub fn relevance<'a>(
    name: &str,
    summary: &str,
    tags: impl Iterator<Item = &'a str> + Clone,
    tokens: &[String],
) -> f64 {
    let mut score = 0.0;
    for t in tokens {
        score += if has_word(name, t) {
            10.0
        } else if has_word(summary, t) {
            5.0
        } else if tags.clone().any(|g| has_word(g, t)) {
            4.0
        } else {
            1.0
        };
    }
    let name_words = name.split_whitespace().count().max(1);
    score + 1.0 / name_words as f64
}

/// Splits `text` into (segment, matched) pairs, matched words marked; the page renders them with <mark>.
pub fn highlight(text: &str, tokens: &[String]) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut push = |s: &str, hit: bool| match out.last_mut() {
        Some((last, h)) if *h == hit => last.push_str(s),
        _ => out.push((s.to_owned(), hit)),
    };
    let mut start = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        let alnum = c.is_alphanumeric();
        if alnum != in_word {
            let piece = &text[start..i];
            if !piece.is_empty() {
                push(piece, in_word && word_matches(piece, tokens));
            }
            start = i;
            in_word = alnum;
        }
    }
    let piece = &text[start..];
    if !piece.is_empty() {
        push(piece, in_word && word_matches(piece, tokens));
    }
    out
}

/// The words suggestions are drawn from (names, tags, domains, teams), lowercased, 3 letters or more.
pub fn vocabulary<'a>(texts: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for text in texts {
        for w in tokens_unbounded(text) {
            if w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()) {
                words.insert(w);
            }
        }
    }
    words
}

fn tokens_unbounded(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
}

/// Words longer than this get no suggestion: nobody misspells a 40-letter word, and distances between long
/// strings are the expensive ones.
const MAX_SUGGEST_CHARS: usize = 32;
/// At most this many known words are compared with one query word (after the length filter), so a large
/// vocabulary cannot make one search slow.
const MAX_CANDIDATES: usize = 5_000;

/// "Did you mean": each word that starts no known word replaced by the closest known word (edit distance 1 for
/// short words, 2 for longer ones). None when nothing would change. Bounded: long words are skipped, and only
/// known words whose length is within the allowed distance are compared, at most [`MAX_CANDIDATES`] of them.
pub fn did_you_mean(tokens: &[String], vocabulary: &BTreeSet<String>) -> Option<String> {
    let mut changed = false;
    let words: Vec<String> = tokens
        .iter()
        .map(|t| {
            let known = vocabulary
                .range(t.clone()..)
                .next()
                .is_some_and(|w| w.starts_with(t.as_str()));
            let chars = t.chars().count();
            if known || chars > MAX_SUGGEST_CHARS {
                return t.clone();
            }
            let limit = if chars <= 4 { 1 } else { 2 };
            let best = vocabulary
                .iter()
                .filter(|w| w.len().abs_diff(t.len()) <= 2 * limit)
                .filter(|w| w.chars().count().abs_diff(chars) <= limit)
                .take(MAX_CANDIDATES)
                .map(|w| (strsim::damerau_levenshtein(t, w), w))
                .filter(|(d, _)| *d <= limit)
                .min_by(|a, b| a.0.cmp(&b.0).then(a.1.len().cmp(&b.1.len())));
            match best {
                Some((_, w)) => {
                    changed = true;
                    w.clone()
                }
                None => t.clone(),
            }
        })
        .collect();
    changed.then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_and_quotes_are_only_separators() {
        assert_eq!(
            tokens(r#"  "orders" AND (revenue* OR -x) NEAR/2 "#),
            ["orders", "and", "revenue", "or", "x", "near", "2"]
        );
        assert_eq!(
            fts5_expression(&tokens("customer:id")),
            r#""customer"* "id"*"#
        );
        assert_eq!(
            tsquery_expression(&tokens("customer's churn")),
            "customer:* & s:* & churn:*"
        );
        assert!(tokens(r#"""' ** ()"#).is_empty());
        assert_eq!(tokens(&"a".repeat(10_000)).len(), 1);
        assert_eq!(tokens(&"ab ".repeat(10_000)).len(), MAX_TOKENS);
    }

    #[test]
    fn words_match_where_they_start_and_plurals_find_singulars() {
        assert!(has_word("customer orders", "cust"));
        assert!(has_word("customer orders", "order"));
        assert!(has_word("daily order", "orders"), "stem of a plural");
        assert!(has_word("web-sessions (eu)", "sessions"));
        assert!(has_word("sub customer", "customer"));
        assert!(
            !has_word("subcustomer", "customer"),
            "only where a word starts"
        );
        assert!(!has_word("customer", "customers2"));
        assert!(!has_word("bus", "bus2"));
        assert!(has_word("the bus", "bus"), "short words keep their s");
        assert!(!has_word("the bu", "bus"));
        assert!(has_word("café crème", "crè"));
        assert!(!has_word("", "a"));
        assert_eq!(
            relevance("orders", "", [].into_iter(), &tokens("order")),
            relevance("order", "", [].into_iter(), &tokens("order")),
        );
        assert!(
            relevance("", "", ["gdpr"].into_iter(), &tokens("gdpr"))
                > relevance("", "", ["other"].into_iter(), &tokens("gdpr"))
        );
    }

    #[test]
    fn matched_words_are_marked() {
        let t = tokens("order rev");
        assert_eq!(
            highlight("Customer Orders and revenue.", &t),
            vec![
                ("Customer ".to_string(), false),
                ("Orders".to_string(), true),
                (" and ".to_string(), false),
                ("revenue".to_string(), true),
                (".".to_string(), false),
            ]
        );
        assert_eq!(highlight("", &t), vec![]);
    }

    #[test]
    fn close_spellings_are_suggested() {
        let v = vocabulary(["Customer Orders", "Daily Revenue", "Web Sessions"].into_iter());
        assert_eq!(
            did_you_mean(&tokens("revnue"), &v).as_deref(),
            Some("revenue")
        );
        assert_eq!(
            did_you_mean(&tokens("custmer ordrs"), &v).as_deref(),
            Some("customer orders")
        );
        assert_eq!(
            did_you_mean(&tokens("rev"), &v),
            None,
            "a prefix of a known word"
        );
        assert_eq!(did_you_mean(&tokens("zzzzzz"), &v), None);
    }

    #[test]
    fn suggestions_stay_bounded() {
        let long = "revenue".repeat(5);
        let v = vocabulary([long.as_str(), "Daily Revenue"].into_iter());
        let typo = format!("{}x", &long[1..]);
        assert_eq!(
            did_you_mean(&tokens(&typo), &v),
            None,
            "words over {MAX_SUGGEST_CHARS} characters are not corrected"
        );
        assert_eq!(
            did_you_mean(&tokens("revnue"), &v).as_deref(),
            Some("revenue"),
            "a word of another length is never a candidate, the right one still is"
        );
    }
}
