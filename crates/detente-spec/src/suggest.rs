//! "Did you mean" suggestions for misspelled ids, keys and keywords.

/// The candidate closest to `word`, if any is close enough to be a plausible typo.
///
/// Closeness is Jaro-Winkler similarity (good at transpositions and shared prefixes,
/// which is what typos of hyphenated ids look like) with a floor of 0.8, or at most one
/// edit for very short words, a swap of two neighbours counting as one (`di` for `id`).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(&'a str, f64)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let score = strsim::jaro_winkler(word, candidate);
        let close = score >= 0.8 || strsim::osa_distance(word, candidate) <= 1;
        if close && best.is_none_or(|(_, s)| score > s) {
            best = Some((candidate, score));
        }
    }
    best.map(|(candidate, _)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_typos_only() {
        let ids = ["lift-travel-ban", "liaison-offices", "test-moratorium"];
        assert_eq!(closest("lift-travle-ban", ids), Some("lift-travel-ban"));
        assert_eq!(closest("test-moratorum", ids), Some("test-moratorium"));
        assert_eq!(closest("peace-treaty", ids), None);
        assert_eq!(closest("ab", ["ac", "zz"]), Some("ac"));
        assert_eq!(closest("di", ["id", "name"]), Some("id"));
    }
}
