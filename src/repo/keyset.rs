//! The condition that starts a page where the last one ended: the rows whose key comes after (or,
//! read backward for a "Previous" link, before) the cursor's key, in the list's order
//! (`model::paging`). A page starts from a key rather than an OFFSET: an index in the list's order
//! reaches the key directly, where OFFSET reads and discards every row before the page, and a row
//! added or removed meanwhile neither repeats nor skips a row on the next page.
//!
//! Written as a macro: each column has its own diesel expression type, so the condition's type
//! depends on every column's, which a function would have to spell out at each use.
//!
//! A key is one or more `(column, value)` pairs, most significant first; `(desc column, value)`
//! marks a column the list reads in descending order. The columns must end with one that is
//! unique (an id), so that the key is a row's alone.

/// The rows whose key comes after the values, in the columns' order:
/// `a > va OR (a = va AND (b > vb OR (b = vb AND c > vc)))` (`<` for a `desc` column).
macro_rules! after {
    ($($key:tt),+ $(,)?) => {
        $crate::repo::keyset::past!(after; $($key),+)
    };
}

/// The rows whose key comes before the values, in the columns' order (what [`after`] is to a
/// page read backward).
macro_rules! before {
    ($($key:tt),+ $(,)?) => {
        $crate::repo::keyset::past!(before; $($key),+)
    };
}

/// `$query` filtered to the rows after the key, or before it when `$backward` (a page read
/// backward for a "Previous" link).
macro_rules! seek {
    ($query:expr, $backward:expr; $($key:tt),+ $(,)?) => {
        if $backward {
            $query.filter($crate::repo::keyset::before!($($key),+))
        } else {
            $query.filter($crate::repo::keyset::after!($($key),+))
        }
    };
}

/// The condition itself, column by column (used through [`after`] and [`before`]).
macro_rules! past {
    (@cmp after; desc $col:expr, $val:expr) => { $col.lt($val) };
    (@cmp after; $col:expr, $val:expr) => { $col.gt($val) };
    (@cmp before; desc $col:expr, $val:expr) => { $col.gt($val) };
    (@cmp before; $col:expr, $val:expr) => { $col.lt($val) };
    // A column with more after it: past it, or equal to it and past the rest. The value is
    // bound once, since the caller's expression may move it.
    (@split $way:ident; [$($rest:tt),+]; desc $col:expr, $val:expr) => {{
        let value = $val;
        $crate::repo::keyset::past!(@cmp $way; desc $col, ::std::clone::Clone::clone(&value))
            .or($col.eq(value).and($crate::repo::keyset::past!($way; $($rest),+)))
    }};
    (@split $way:ident; [$($rest:tt),+]; $col:expr, $val:expr) => {{
        let value = $val;
        $crate::repo::keyset::past!(@cmp $way; $col, ::std::clone::Clone::clone(&value))
            .or($col.eq(value).and($crate::repo::keyset::past!($way; $($rest),+)))
    }};
    ($way:ident; ($($last:tt)+)) => {
        $crate::repo::keyset::past!(@cmp $way; $($last)+)
    };
    ($way:ident; ($($first:tt)+), $($rest:tt),+) => {
        $crate::repo::keyset::past!(@split $way; [$($rest),+]; $($first)+)
    };
}

pub(crate) use {after, before, past, seek};
