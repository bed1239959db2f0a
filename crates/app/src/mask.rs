//! How public answers (the status page and `GET /api/v1/public/cases/…`) show who applied:
//! enough for an applicant to recognise their own case, too little to identify anyone from a
//! leaked case number and query code.

use tongban_core::case::{Applicant, ApplicantKind};

/// A person: the surname only (张**). An organisation: the first four and last two
/// characters (the name of a company is public, the middle hides branch details).
pub fn name(a: &Applicant) -> String {
    let chars: Vec<char> = a.name.chars().collect();
    match a.kind {
        ApplicantKind::Person => keep(&chars, 1, 0),
        ApplicantKind::Organization if chars.len() > 6 => keep(&chars, 4, 2),
        ApplicantKind::Organization => keep(&chars, 1, 0),
    }
}

/// An ID number or credit code: the first three and last four characters.
pub fn id_number(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() >= 10 {
        keep(&chars, 3, 4)
    } else {
        keep(&chars, 0, 1)
    }
}

/// A phone number: the first three and last four digits (138****8000).
pub fn phone(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    if chars.len() >= 8 {
        keep(&chars, 3, 4)
    } else {
        keep(&chars, 0, 2)
    }
}

fn keep(chars: &[char], head: usize, tail: usize) -> String {
    let n = chars.len();
    if n == 0 {
        return String::new();
    }
    let head = head.min(n);
    let tail = tail.min(n - head);
    let hidden = (n - head - tail).max(1);
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(hidden));
    out.extend(&chars[n - tail..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(name: &str) -> Applicant {
        Applicant {
            kind: ApplicantKind::Person,
            name: name.into(),
            id_number: String::new(),
            phone: None,
            email: None,
        }
    }

    #[test]
    fn masks_phones() {
        assert_eq!(phone("13800138000"), "138****8000");
        assert_eq!(phone("12345"), "***45");
    }

    #[test]
    fn masks_names_and_ids() {
        assert_eq!(name(&person("张三")), "张*");
        assert_eq!(name(&person("欧阳娜娜")), "欧***");
        assert_eq!(name(&person("李")), "李*");
        let org = Applicant {
            kind: ApplicantKind::Organization,
            ..person("县通办科技有限公司城东分公司")
        };
        assert_eq!(name(&org), "县通办科********公司");
        assert_eq!(id_number("11010519491231002X"), "110***********002X");
        assert_eq!(id_number("12345"), "****5");
        assert_eq!(id_number(""), "");
    }
}
