// Backend-neutral table definitions (reviewed by hand; see diesel.toml). Types are limited to
// those diesel's MultiConnection supports: Text, Integer, BigInt, Bool, Timestamp (UTC).

diesel::table! {
    clients (id) {
        id -> Text,
        name -> Text,
        email -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        role -> Text,
        client_id -> Nullable<Text>,
        password_hash -> Text,
        session_version -> Integer,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        user_id -> Text,
        name -> Text,
        token_hash -> Text,
        hint -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    setup_tokens (id) {
        id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        used_by -> Nullable<Text>,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Text,
        email -> Text,
        ip -> Text,
        succeeded -> Bool,
        at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor -> Text,
        action -> Text,
        record_type -> Text,
        record_id -> Nullable<Text>,
        summary -> Text,
        detail -> Text,
        ip -> Nullable<Text>,
        request_id -> Nullable<Text>,
    }
}

diesel::joinable!(users -> clients (client_id));
diesel::joinable!(api_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    clients,
    users,
    api_tokens,
    setup_tokens,
    login_attempts,
    audit_events,
);
