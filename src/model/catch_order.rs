//! When reclaim places, keeps or cancels an order with a catch service, and at what bid. Pure:
//! the catch job (`app::catch`) gathers the situation and does what the step says.
//!
//! Sources: DropCatch takes an order only for a name in pending delete (its status code 411.0,
//! "… is not in pending delete status", NameBright/DropCatchBackorderExamples README); Dynadot
//! takes backorder requests for a name at any time before it is deleted (Dynadot API 3,
//! `add_backorder_request`; Dynadot help, "Backorder"); so does HEXONET, whose backorder
//! application is created `REQUESTED` whenever it is asked (HEXONET API documentation,
//! `AddDomainApplication`; `catch::hexonet`). A backorder whose name the holder
//! renewed, whose matter is closed, that the firm cancelled, or that another catch service
//! already caught no longer needs the order. The firm's own registrar (a direct catch) can only
//! register a name the registry has released: its order is sent once the name is free.

use crate::model::backorder::{BackorderStatus, ChannelStatus};

/// When a service accepts an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// Any time before the registry deletes the name (Dynadot, HEXONET).
    BeforeDeletion,
    /// Only once the registry shows pending delete (DropCatch).
    InPendingDelete,
    /// A registration through the firm's registrar: only once the registry released the name.
    AtRelease,
}

/// What the job knows of one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Situation {
    pub timing: Timing,
    pub backorder: BackorderStatus,
    pub matter_open: bool,
    /// The order's channel.
    pub order: ChannelStatus,
    /// Another channel of the backorder caught or won the name.
    pub caught_elsewhere: bool,
    /// The client's highest bid for this order (or the backorder's).
    pub client_max_bid: Option<i64>,
    /// The account's highest bid per name.
    pub account_max_bid: Option<i64>,
    /// Bids already committed through the account this calendar month.
    pub month_committed: i64,
    pub monthly_limit: Option<i64>,
    /// Another backorder of the firm has this name on order through the same account.
    pub ordered_for_another: bool,
}

/// What to do now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Place the order, at this bid (`None`: the service's price).
    Place { bid: Option<i64> },
    /// Not yet; look again later.
    Wait { reason: String },
    /// The order is no longer wanted: cancel it with the service when it was placed
    /// (`with_service`), or only here when it never was.
    Cancel { reason: String, with_service: bool },
    /// It cannot be placed, and waiting will not change that.
    Refuse { reason: String },
    /// Nothing to do (placed and still wanted, or decided).
    Nothing,
}

pub fn next_step(s: &Situation) -> Step {
    use BackorderStatus as B;
    use ChannelStatus as C;
    if matches!(
        s.order,
        C::Won | C::Lost | C::Cancelled | C::Refused | C::Caught | C::InAuction
    ) {
        return Step::Nothing;
    }
    let placed = s.order == C::Placed;
    let stop = if !s.matter_open {
        Some("the matter is closed")
    } else if s.backorder == B::Cancelled {
        Some("the backorder was cancelled")
    } else if s.backorder == B::Renewed {
        Some("the holder renewed the name")
    } else if s.caught_elsewhere {
        Some("another catch service caught the name")
    } else if !placed && matches!(s.backorder, B::Caught | B::Auction | B::Won | B::Lost) {
        Some("the name's fate is already decided")
    } else {
        None
    };
    if let Some(reason) = stop {
        return Step::Cancel {
            reason: reason.to_owned(),
            with_service: placed,
        };
    }
    if placed {
        return Step::Nothing;
    }
    if s.backorder == B::Dropped && s.timing != Timing::AtRelease {
        return Step::Refuse {
            reason: "the name was released before the service took the order".to_owned(),
        };
    }
    if s.ordered_for_another {
        return Step::Refuse {
            reason: "the name is already on order through this account for another backorder of the firm".to_owned(),
        };
    }
    // Never above the client's maximum nor the account's cap: the lower of the two.
    let bid = match (s.client_max_bid, s.account_max_bid) {
        (Some(c), Some(a)) => Some(c.min(a)),
        (c, a) => c.or(a),
    };
    if let Some(limit) = s.monthly_limit
        && s.month_committed + bid.unwrap_or(0) > limit
    {
        return Step::Wait {
            reason: "the account's monthly limit is reached; the order waits for next month or a higher limit".to_owned(),
        };
    }
    match s.timing {
        Timing::InPendingDelete if s.backorder != B::PendingDelete => Step::Wait {
            reason:
                "the service takes the order once the registry shows the name in pending delete"
                    .to_owned(),
        },
        Timing::AtRelease if s.backorder != B::Dropped => Step::Wait {
            reason: "the registration is sent through the firm's registrar the moment the registry releases the name".to_owned(),
        },
        _ => Step::Place { bid },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use BackorderStatus as B;
    use ChannelStatus as C;

    fn situation() -> Situation {
        Situation {
            timing: Timing::InPendingDelete,
            backorder: B::PendingDelete,
            matter_open: true,
            order: C::Scheduled,
            caught_elsewhere: false,
            client_max_bid: Some(50_000),
            account_max_bid: None,
            month_committed: 0,
            monthly_limit: None,
            ordered_for_another: false,
        }
    }

    #[test]
    fn steps() {
        let place = |bid| Step::Place { bid };
        let waits = |s: &Step| matches!(s, Step::Wait { .. });
        let cancels = |with: bool| move |s: &Step| matches!(s, Step::Cancel { with_service, .. } if *with_service == with);
        let refuses = |s: &Step| matches!(s, Step::Refuse { .. });
        // (change to the situation, test of the step, why: the source or the rule)
        type Case = (fn(&mut Situation), Box<dyn Fn(&Step) -> bool>, &'static str);
        let cases: Vec<Case> = vec![
            (
                |_| {},
                Box::new(move |s| *s == place(Some(50_000))),
                "DropCatch, pending delete: place at the client's bid",
            ),
            (
                |s| s.backorder = B::Redemption,
                Box::new(waits),
                "DropCatch answers 411.0 before pending delete",
            ),
            (
                |s| s.backorder = B::Watching,
                Box::new(waits),
                "DropCatch: not yet",
            ),
            (
                |s| {
                    s.timing = Timing::BeforeDeletion;
                    s.backorder = B::Watching
                },
                Box::new(move |s| *s == place(Some(50_000))),
                "Dynadot takes requests any time before deletion",
            ),
            (
                |s| {
                    s.timing = Timing::BeforeDeletion;
                    s.backorder = B::Redemption
                },
                Box::new(move |s| *s == place(Some(50_000))),
                "Dynadot in redemption",
            ),
            (
                |s| s.account_max_bid = Some(25_000),
                Box::new(move |s| *s == place(Some(25_000))),
                "never above the account's cap",
            ),
            (
                |s| s.account_max_bid = Some(90_000),
                Box::new(move |s| *s == place(Some(50_000))),
                "never above the client's maximum",
            ),
            (
                |s| {
                    s.client_max_bid = None;
                    s.account_max_bid = None
                },
                Box::new(move |s| *s == place(None)),
                "no bid given: the service's price",
            ),
            (
                |s| {
                    s.monthly_limit = Some(100_000);
                    s.month_committed = 60_000
                },
                Box::new(waits),
                "the monthly limit would be passed",
            ),
            (
                |s| {
                    s.monthly_limit = Some(100_000);
                    s.month_committed = 50_000
                },
                Box::new(move |s| *s == place(Some(50_000))),
                "the monthly limit is reached exactly",
            ),
            (
                |s| s.matter_open = false,
                Box::new(cancels(false)),
                "closed matter, never placed: cancelled here only",
            ),
            (
                |s| {
                    s.matter_open = false;
                    s.order = C::Placed
                },
                Box::new(cancels(true)),
                "closed matter: cancel with the service",
            ),
            (
                |s| {
                    s.backorder = B::Renewed;
                    s.order = C::Placed
                },
                Box::new(cancels(true)),
                "the holder renewed",
            ),
            (
                |s| {
                    s.caught_elsewhere = true;
                    s.order = C::Placed
                },
                Box::new(cancels(true)),
                "another channel caught it",
            ),
            (
                |s| {
                    s.backorder = B::Cancelled;
                    s.order = C::Placed
                },
                Box::new(cancels(true)),
                "the firm cancelled the backorder",
            ),
            (
                |s| s.order = C::Placed,
                Box::new(|s| *s == Step::Nothing),
                "placed and still wanted",
            ),
            (
                |s| {
                    s.order = C::Placed;
                    s.backorder = B::Dropped
                },
                Box::new(|s| *s == Step::Nothing),
                "placed, the name dropped: the service is trying",
            ),
            (
                |s| s.backorder = B::Dropped,
                Box::new(refuses),
                "too late: the name was released",
            ),
            (
                |s| s.ordered_for_another = true,
                Box::new(refuses),
                "never the same name twice on one account",
            ),
            (
                |s| s.timing = Timing::AtRelease,
                Box::new(waits),
                "a registrar registers only a released name (RFC 5731 §3.2.1: <create> of an existing object fails)",
            ),
            (
                |s| {
                    s.timing = Timing::AtRelease;
                    s.backorder = B::Dropped
                },
                Box::new(move |s| *s == place(Some(50_000))),
                "released: the registration goes at once",
            ),
            (
                |s| {
                    s.timing = Timing::AtRelease;
                    s.backorder = B::Dropped;
                    s.caught_elsewhere = true
                },
                Box::new(cancels(false)),
                "another channel already has it: nothing is sent",
            ),
            (
                |s| s.order = C::Won,
                Box::new(|s| *s == Step::Nothing),
                "decided",
            ),
            (
                |s| s.order = C::Refused,
                Box::new(|s| *s == Step::Nothing),
                "refused stays refused",
            ),
        ];
        for (change, expected, why) in cases {
            let mut s = situation();
            change(&mut s);
            let step = next_step(&s);
            assert!(expected(&step), "{why}: got {step:?}");
        }
    }
}
