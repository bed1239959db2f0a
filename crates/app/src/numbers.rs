//! Case numbers and query codes. The core does not draw random numbers, so the API does.
//!
//! A case number (办件编号) is public and printed on receipts: the local receipt date plus
//! eight random digits, so that numbers do not reveal how many cases a hall takes. Collisions
//! are possible but rare; the store rejects a duplicate and the caller draws again.
//!
//! A query code (查询码) is the secret that opens the public status page: 10 characters from
//! a 31-letter alphabet without look-alikes (0/O, 1/I/L), about 49.5 bits. At the public
//! route's rate limit a guesser needs far longer than any case lives.

use chrono::NaiveDate;
use rand::{rngs::OsRng, Rng};

const QUERY_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const QUERY_CODE_LEN: usize = 10;

pub fn case_no(received_on: NaiveDate) -> String {
    let n: u32 = OsRng.gen_range(0..100_000_000);
    format!("{}{n:08}", received_on.format("%Y%m%d"))
}

pub fn query_code() -> String {
    (0..QUERY_CODE_LEN)
        .map(|_| QUERY_ALPHABET[OsRng.gen_range(0..QUERY_ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_numbers_start_with_the_receipt_date() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let no = case_no(d);
        assert_eq!(no.len(), 16);
        assert!(no.starts_with("20261123"));
        assert!(no.chars().all(|c| c.is_ascii_digit()));
    }

    #[test]
    fn query_codes_use_the_alphabet_and_differ() {
        let a = query_code();
        let b = query_code();
        assert_eq!(a.len(), QUERY_CODE_LEN);
        assert!(a.bytes().all(|c| QUERY_ALPHABET.contains(&c)));
        assert_ne!(
            a, b,
            "two 49-bit codes in a row are equal with probability 2^-49"
        );
    }
}
