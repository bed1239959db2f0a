//! A posted HTML form (`application/x-www-form-urlencoded`) as name/value pairs: checkbox
//! lists repeat a name, which a struct cannot hold.

use actix_web::web;
use tongban_app::Code;

use super::ctx::PageErr;
use crate::problem::{Problem, Text};

pub type Posted = Result<web::Form<Vec<(String, String)>>, actix_web::Error>;

/// The `?done=<step>` a page is redirected to after a step, to say it was taken.
#[derive(Debug, serde::Deserialize)]
pub struct Done {
    pub done: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct Form(pub Vec<(String, String)>);

impl Form {
    /// Reads the posted form; an unreadable one is a 400 page.
    pub fn read(posted: Posted) -> Result<Form, PageErr> {
        posted.map(|f| Form(f.into_inner())).map_err(|e| {
            PageErr::Problem(Problem::new(
                Code::MalformedForm,
                Text::new("表单无法读取", "The form could not be read"),
                Text::new(
                    format!("提交的表单无法读取：{e}"),
                    format!("The submitted form could not be read: {e}"),
                ),
            ))
        })
    }

    /// The first value of `name`, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    /// Every value of `name` (checkboxes), trimmed.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .collect()
    }

    pub fn has(&self, name: &str, value: &str) -> bool {
        self.all(name).contains(&value)
    }
}

/// The 422 of one bad field of a form, shown next to it.
pub fn invalid(field: &str, zh: &str, en: &str) -> Problem {
    tongban_app::validate::Fields::invalid(field, zh, en).into()
}
