use serde::{Deserialize, Serialize};

/// The roles of api.md. A user may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Applicant,
    Clerk,
    Approver,
    Head,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Applicant,
        Role::Clerk,
        Role::Approver,
        Role::Head,
        Role::Supervisor,
        Role::Admin,
    ];

    /// The role's name as people in the hall say it: (Chinese, English).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Role::Applicant => ("申请人", "Applicant"),
            Role::Clerk => ("窗口人员", "Window clerk"),
            Role::Approver => ("审批人员", "Approver"),
            Role::Head => ("部门负责人", "Department head"),
            Role::Supervisor => ("电子监察人员", "Supervision officer"),
            Role::Admin => ("系统管理员", "Administrator"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Clerk => "clerk",
            Role::Approver => "approver",
            Role::Head => "head",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role `{s}`"))
    }
}
