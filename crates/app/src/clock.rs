//! The service's clock: the system time, or (started with `--test-clock`) a time set by an
//! administrator through `PUT /api/v1/admin/clock`, so that tests can move days ahead
//! without sleeping. The scheduler reads the same clock.

pub mod set;

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};

#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Test(Arc<RwLock<DateTime<Utc>>>),
}

impl Clock {
    pub fn test(start: DateTime<Utc>) -> Self {
        Clock::Test(Arc::new(RwLock::new(start)))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Test(t) => *t.read().unwrap_or_else(|poisoned| poisoned.into_inner()),
        }
    }

    pub fn is_test(&self) -> bool {
        matches!(self, Clock::Test(_))
    }

    /// Sets the test clock; `false` on the system clock, which cannot be set.
    pub fn set(&self, now: DateTime<Utc>) -> bool {
        match self {
            Clock::System => false,
            Clock::Test(t) => {
                *t.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = now;
                true
            }
        }
    }
}
