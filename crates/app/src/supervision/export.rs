//! The statistics as CSV, for spreadsheets: a header row of stable
//! column names, one row per group and a last row `total`.

use tongban_core::supervision::stats::{GroupBy, StatsRow};

/// A UTF-8 byte order mark: spreadsheet programs on Chinese Windows read a CSV without it
/// as GBK and garble the names.
const BOM: &str = "\u{feff}";

/// The CSV text of `rows` and their `total`.
pub(crate) fn to_csv(
    group_by: GroupBy,
    rows: &[StatsRow],
    total: &StatsRow,
) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        group_by.as_str(),
        "name",
        "received",
        "accepted",
        "refused",
        "concluded",
        "on_time",
        "early",
        "overdue",
        "overdue_legal",
        "average_working_days",
        "satisfaction",
        "evaluations",
    ])?;
    let optional = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    for row in rows.iter().chain(std::iter::once(total)) {
        out.write_record([
            row.key.clone(),
            row.name.clone(),
            row.received.to_string(),
            row.accepted.to_string(),
            row.refused.to_string(),
            row.concluded.to_string(),
            row.on_time.to_string(),
            row.early.to_string(),
            row.overdue.to_string(),
            row.overdue_legal.to_string(),
            optional(row.average_working_days),
            optional(row.satisfaction),
            row.evaluations.to_string(),
        ])?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    // The writer only ever received `String`s, so the bytes are UTF-8.
    Ok(format!("{BOM}{}", String::from_utf8_lossy(&bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_header_rows_and_the_total() {
        let row = |key: &str, name: &str| StatsRow {
            key: key.into(),
            name: name.into(),
            received: 3,
            accepted: 2,
            refused: 1,
            concluded: 1,
            on_time: 1,
            early: 0,
            overdue: 1,
            overdue_legal: 0,
            average_working_days: Some(4.5),
            satisfaction: None,
            evaluations: 0,
        };
        let text = to_csv(
            GroupBy::Department,
            &[row("gaj", "县公安局, 户政")],
            &row("total", "合计"),
        )
        .expect("csv");
        let text = text.strip_prefix(BOM).expect("BOM first");
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(
            lines[0],
            "department,name,received,accepted,refused,concluded,on_time,early,overdue,\
             overdue_legal,average_working_days,satisfaction,evaluations"
        );
        assert_eq!(lines[1], "gaj,\"县公安局, 户政\",3,2,1,1,1,0,1,0,4.5,,0");
        assert_eq!(lines[2], "total,合计,3,2,1,1,1,0,1,0,4.5,,0");
        assert_eq!(lines.len(), 3);
    }
}
