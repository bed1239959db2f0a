//! Field validation of request bodies: every problem is collected and reported at once as
//! `errors: [{field, message}]` with a 422.

use crate::error::{Code, Error, FieldError, Text};

/// Longest free text accepted in any field (reasons, opinions, notes).
pub const MAX_TEXT: usize = 2000;

#[derive(Debug, Default)]
pub struct Fields {
    errors: Vec<FieldError>,
}

impl Fields {
    pub fn error(&mut self, field: &str, zh: impl Into<String>, en: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message: Text::new(zh, en),
        });
    }

    /// Trimmed length between `min` and `max` characters, with no control characters.
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) {
        let len = value.trim().chars().count();
        if len < min {
            self.error(field, "不能为空", "must not be empty");
        } else if len > max {
            self.error(
                field,
                format!("不能超过 {max} 个字符"),
                format!("must be at most {max} characters"),
            );
        }
        if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
        {
            self.error(field, "含有控制字符", "contains control characters");
        }
    }

    pub fn username(&mut self, field: &str, value: &str) {
        let ok = (3..=64).contains(&value.len())
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'));
        if !ok {
            self.error(
                field,
                "用户名须为 3–64 个字母、数字或 _ - . @",
                "must be 3–64 letters, digits or _ - . @",
            );
        }
    }

    /// The password policy: 10 to 128 characters, not only spaces, not the username, not a
    /// commonly used password.
    pub fn password(&mut self, field: &str, value: &str, username: &str) {
        let len = value.chars().count();
        let lower = value.trim().to_lowercase();
        if !(10..=128).contains(&len) || lower.is_empty() {
            self.error(
                field,
                "密码长度须为 10–128 个字符",
                "must be 10–128 characters long",
            );
        } else if lower == username.trim().to_lowercase() {
            self.error(field, "密码不能与用户名相同", "must not be the username");
        } else if crate::auth::password::is_common(&lower) {
            self.error(
                field,
                "密码过于常见，容易被猜中，请换一个",
                "is a commonly used password, easy to guess; choose another",
            );
        }
    }

    pub fn email(&mut self, field: &str, value: &str) {
        let ok = value.len() <= 254
            && value
                .split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
            && !value.chars().any(|c| c.is_whitespace() || c.is_control());
        if !ok {
            self.error(field, "电子邮箱格式不正确", "is not a valid e-mail address");
        }
    }

    pub fn phone(&mut self, field: &str, value: &str) {
        let digits = value.strip_prefix('+').unwrap_or(value);
        let ok = (5..=20).contains(&digits.len())
            && digits.chars().all(|c| c.is_ascii_digit() || c == '-');
        if !ok {
            self.error(field, "电话号码格式不正确", "is not a valid phone number");
        }
    }

    /// Resident ID (18 characters, last may be X) or a unified social credit code
    /// (18 characters, digits and capital letters); other documents up to 32 characters.
    pub fn id_number(&mut self, field: &str, value: &str) {
        let ok = (6..=32).contains(&value.len())
            && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !ok {
            self.error(
                field,
                "证件号码格式不正确（6–32 位字母或数字）",
                "is not a valid ID number (6–32 letters or digits)",
            );
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The 422 of one bad field.
    pub fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Error {
        let mut f = Fields::default();
        f.error(field, zh, en);
        f.failed()
    }

    /// A 422 listing every problem, or `Ok` when there is none.
    pub fn finish(self) -> Result<(), Error> {
        if self.errors.is_empty() {
            return Ok(());
        }
        Err(self.failed())
    }

    fn failed(self) -> Error {
        let mut problem = Error::new(
            Code::ValidationFailed,
            Text::new("请求内容有误", "Validation failed"),
            Text::new(
                "请求中有字段不符合要求，请按各字段的提示修改后重试。",
                "Some fields are invalid; each one's message says what to change.",
            ),
        );
        problem.errors = self.errors;
        problem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_problem() {
        let mut f = Fields::default();
        f.text("name", "  ", 1, 10);
        f.text("note", "a\u{0007}b", 0, 10);
        f.email("email", "nobody");
        f.phone("phone", "13800138000");
        f.id_number("id", "11010519491231002X");
        let p = f.finish().unwrap_err();
        let fields: Vec<_> = p.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "note", "email"]);
        assert_eq!(p.code, Code::ValidationFailed);
    }
}
