//! Who is calling and what they may do: passwords, sessions, API tokens, signed link tokens,
//! login throttling.

pub mod api;
pub mod keys;
pub mod password;
pub mod session;
pub mod throttle;
pub mod tokens;

use crate::error::AppError;
use crate::model::ids::{ClientId, UserId};
use crate::model::user::{Role, User};

/// The authenticated user behind a request, from a session cookie or an API token.
#[derive(Debug, Clone)]
pub struct Principal {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub client_id: Option<ClientId>,
}

impl From<&User> for Principal {
    fn from(user: &User) -> Self {
        Self {
            id: user.id.clone(),
            email: user.email.clone(),
            name: user.name.clone(),
            role: user.role,
            client_id: user.client_id.clone(),
        }
    }
}

impl Principal {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    pub fn require_admin(&self) -> Result<(), AppError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Only an administrator can do this. Ask your firm's reclaim administrator."
                    .to_owned(),
            ))
        }
    }

    pub fn require_staff(&self) -> Result<(), AppError> {
        if self.is_staff() {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Client portal accounts can only read their own matters.".to_owned(),
            ))
        }
    }

    /// Admins and lawyers open files for clients; paralegals work on them.
    pub fn require_lawyer_or_admin(&self) -> Result<(), AppError> {
        if matches!(self.role, Role::Admin | Role::Lawyer) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "Only a lawyer or an administrator can do this.".to_owned(),
            ))
        }
    }

    /// Staff see every client; a portal user sees only the client they belong to.
    pub fn may_see_client(&self, client: &ClientId) -> bool {
        self.is_staff() || self.client_id.as_ref() == Some(client)
    }
}
