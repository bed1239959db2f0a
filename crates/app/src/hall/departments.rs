//! Adding a department stationed in the hall (`POST /api/v1/departments`).

use tongban_core::catalogue::Department;
use tongban_store::departments;

use crate::audit;
use crate::catalogue::code_field;
use crate::error::{AppResult, Code};
use crate::records::{self, to_json};
use crate::validate::Fields;
use crate::App;

#[derive(Debug, Clone)]
pub struct CreateDepartment {
    pub code: String,
    pub name: String,
}

pub async fn create_department(
    app: &App,
    actor: &str,
    cmd: CreateDepartment,
) -> AppResult<Department> {
    let mut fields = Fields::default();
    code_field(&mut fields, "code", &cmd.code);
    fields.text("name", &cmd.name, 1, 100);
    fields.finish()?;
    let department = Department {
        code: cmd.code,
        name: cmd.name.trim().to_owned(),
    };
    let now = app.clock.now();
    let record = records::department_record(&department, now);
    let audit_record = audit::record(
        now,
        actor,
        "department.create",
        &department.code,
        to_json(&department),
    );
    let code = department.code.clone();
    super::add_entry(
        app,
        move |conn| departments::insert(conn, &record),
        audit_record,
        || {
            super::exists(
                Code::DepartmentExists,
                format!("部门编码 {code} 已存在。"),
                format!("A department with code {code} already exists."),
            )
        },
    )
    .await?;
    Ok(department)
}
