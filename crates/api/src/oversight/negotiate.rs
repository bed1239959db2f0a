//! Content negotiation of the statistics: CSV for spreadsheets when the client prefers it.

/// Whether the client prefers CSV to JSON: `text/csv` named with a higher quality than
/// `application/json` (a missing one counts as 0). Anything else answers JSON.
pub fn wants_csv(accept: &str) -> bool {
    let mut csv = 0.0_f32;
    let mut json = 0.0_f32;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            "text/csv" => csv = csv.max(q),
            "application/json" => json = json.max(q),
            _ => {}
        }
    }
    csv > 0.0 && csv > json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_csv_only_when_preferred() {
        assert!(wants_csv("text/csv"));
        assert!(wants_csv("text/csv, application/json;q=0.5"));
        assert!(wants_csv("TEXT/CSV; charset=utf-8"));
        assert!(!wants_csv("application/json"));
        assert!(!wants_csv("application/json, text/csv;q=0.5"));
        assert!(!wants_csv("text/csv;q=0"));
        assert!(!wants_csv("*/*"));
        assert!(!wants_csv(""));
    }
}
