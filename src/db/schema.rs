// Backend-neutral table definitions (reviewed by hand; see diesel.toml). Types are limited to
// those diesel's MultiConnection supports: Text, Integer, BigInt, Bool, Timestamp (UTC).

diesel::table! {
    clients (id) {
        id -> Text,
        name -> Text,
        email -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        report_cadence -> Text,
        notes -> Text,
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
        calendar_feed_key -> Nullable<Text>,
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
    sign_in_throttles (scope, subject) {
        scope -> Text,
        subject -> Text,
        failures -> Integer,
        lockouts -> Integer,
        locked_until -> Nullable<Timestamp>,
        last_failure_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    drop_watches (domain) {
        domain -> Text,
        next_query_at -> Timestamp,
        last_query_at -> Nullable<Timestamp>,
        queries -> Integer,
        seen_free_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    registry_budgets (server) {
        server -> Text,
        second_start -> Timestamp,
        second_used -> Integer,
        minute_start -> Timestamp,
        minute_used -> Integer,
        allowance -> Integer,
        lowered_at -> Nullable<Timestamp>,
        paused_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    known_sign_ins (email, ip) {
        email -> Text,
        ip -> Text,
        last_at -> Timestamp,
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

diesel::table! {
    client_contacts (id) {
        id -> Text,
        client_id -> Text,
        name -> Text,
        email -> Text,
        phone -> Text,
        position -> Text,
        receives_reports -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    matter_counters (year) {
        year -> Integer,
        last_number -> Integer,
    }
}

diesel::table! {
    matters (id) {
        id -> Text,
        reference -> Text,
        client_id -> Text,
        title -> Text,
        responsible_lawyer_id -> Text,
        status -> Text,
        notes -> Text,
        opened_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        renewal_years -> Integer,
    }
}

diesel::table! {
    matter_team (matter_id, user_id) {
        matter_id -> Text,
        user_id -> Text,
    }
}

diesel::table! {
    matter_marks (id) {
        id -> Text,
        matter_id -> Text,
        name -> Text,
        registration -> Text,
        position -> Integer,
    }
}

diesel::table! {
    backorders (id) {
        id -> Text,
        matter_id -> Text,
        domain -> Text,
        unicode -> Text,
        tld -> Text,
        status -> Text,
        priority -> Text,
        max_bid_minor -> Nullable<BigInt>,
        currency -> Text,
        notes -> Text,
        conflict_confirmed_by -> Nullable<Text>,
        conflict_confirmed_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        registrant -> Text,
    }
}

diesel::table! {
    backorder_events (id) {
        id -> Text,
        backorder_id -> Text,
        at -> Timestamp,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor_id -> Nullable<Text>,
        actor -> Text,
        reason -> Text,
    }
}

diesel::table! {
    catch_channels (id) {
        id -> Text,
        backorder_id -> Text,
        service -> Text,
        service_name -> Text,
        status -> Text,
        external_reference -> Text,
        success_fee_minor -> Nullable<BigInt>,
        price_minor -> Nullable<BigInt>,
        currency -> Text,
        auction_result -> Text,
        notes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,    }
}

diesel::table! {
    catch_calls (id) {
        id -> Text,
        channel_id -> Text,
        backorder_id -> Text,
        at -> Timestamp,
        provider -> Text,
        action -> Text,
        request -> Text,
        status -> Nullable<Integer>,
        answer -> Text,
        duration_ms -> BigInt,
    }
}

diesel::table! {
    catch_orders (channel_id) {
        channel_id -> Text,
        backorder_id -> Text,
        account_id -> Text,
        max_bid_minor -> Nullable<BigInt>,
        message -> Text,
        placed_at -> Nullable<Timestamp>,
        next_attempt_at -> Nullable<Timestamp>,
        attempts -> Integer,
        claimed_until -> Nullable<Timestamp>,
        claimed_by -> Nullable<Text>,
    }
}

diesel::table! {
    catch_accounts (id) {
        id -> Text,
        provider -> Text,
        label -> Text,
        endpoint -> Text,
        auth_endpoint -> Nullable<Text>,
        credentials_sealed -> Text,
        max_bid_per_name_minor -> Nullable<BigInt>,
        monthly_limit_minor -> Nullable<BigInt>,
        currency -> Text,
        active -> Bool,
        verified_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::joinable!(client_contacts -> clients (client_id));
diesel::joinable!(matters -> clients (client_id));
diesel::joinable!(matters -> users (responsible_lawyer_id));
diesel::joinable!(matter_team -> matters (matter_id));
diesel::joinable!(matter_team -> users (user_id));
diesel::joinable!(matter_marks -> matters (matter_id));
diesel::joinable!(backorders -> matters (matter_id));
diesel::joinable!(backorder_events -> backorders (backorder_id));
diesel::joinable!(catch_channels -> backorders (backorder_id));
diesel::joinable!(catch_orders -> catch_channels (channel_id));
diesel::joinable!(catch_orders -> catch_accounts (account_id));

diesel::table! {
    client_registrant_handles (client_id, account_id) {
        client_id -> Text,
        account_id -> Text,
        handle -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(client_registrant_handles -> clients (client_id));
diesel::joinable!(client_registrant_handles -> catch_accounts (account_id));

diesel::table! {
    after_catch_items (backorder_id, item) {
        backorder_id -> Text,
        item -> Text,
        state -> Text,
        verified_by -> Nullable<Text>,
        due_on -> Date,
        note -> Text,
        done_at -> Nullable<Timestamp>,
        done_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(after_catch_items -> backorders (backorder_id));

diesel::table! {
    ended_sessions (id) {
        id -> Text,
        user_id -> Text,
        ended_at -> Timestamp,
    }
}

diesel::table! {
    two_factor (user_id) {
        user_id -> Text,
        secret_sealed -> Text,
        created_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        last_step -> Nullable<BigInt>,
        wrong_codes -> Integer,
        first_wrong_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    recovery_codes (user_id, code_hash) {
        user_id -> Text,
        code_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    pending_sign_ins (id) {
        id -> Text,
        user_id -> Text,
        session_version -> Integer,
        must_enrol -> Bool,
        failures -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    firm_settings (id) {
        id -> Integer,
        staff_two_factor_required -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    clients,
    users,
    ended_sessions,
    two_factor,
    recovery_codes,
    pending_sign_ins,
    firm_settings,
    api_tokens,
    setup_tokens,
    sign_in_throttles,
    drop_watches,
    registry_budgets,
    catch_accounts,
    client_registrant_handles,
    catch_orders,
    catch_calls,
    after_catch_items,
    known_sign_ins,
    audit_events,
    client_contacts,
    matters,
    matter_team,
    matter_marks,
    backorders,
    backorder_events,
    catch_channels,
    matter_counters,
    monitored_domains,
    registry_snapshots,
    registry_answers,
    registry_changes,
    registry_check_errors,
    rdap_bootstraps,
    job_runs,
    job_leases,
    outbox_messages,
    outbox_attempts,
    outbox_sends,
    procedures,
    procedure_domains,
    procedure_events,
    deadlines,
    calendar_closures,
    sender_profiles,
    outreach_messages,
    outreach_approvals,
    suppressions,
    report_counters,
    reports,
    client_brand_terms,
    lookalike_findings,
    lookalike_decisions,
    lookalike_checks,
);

diesel::table! {
    monitored_domains (domain) {
        domain -> Text,
        unicode -> Text,
        tld -> Text,
        phase -> Text,
        drop_earliest -> Nullable<Timestamp>,
        drop_latest -> Nullable<Timestamp>,
        assessment_reason -> Text,
        last_snapshot_id -> Nullable<Text>,
        last_checked_at -> Nullable<Timestamp>,
        next_check_at -> Timestamp,
        failures -> Integer,
        last_error -> Nullable<Text>,
        lease_holder -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    registry_snapshots (id) {
        id -> Text,
        domain -> Text,
        source -> Text,
        server -> Text,
        fetched_at -> Timestamp,
        http_status -> Nullable<Integer>,
        sha256 -> Text,
        parsed -> Text,
        registered -> Bool,
        phase -> Text,
        related_to -> Nullable<Text>,
    }
}

diesel::table! {
    registry_answers (sha256) {
        sha256 -> Text,
        method -> Text,
        size -> BigInt,
        body -> Binary,
    }
}

diesel::table! {
    registry_changes (id) {
        id -> Text,
        domain -> Text,
        snapshot_id -> Text,
        previous_snapshot_id -> Nullable<Text>,
        detected_at -> Timestamp,
        kind -> Text,
        before_value -> Text,
        after_value -> Text,
        summary -> Text,
        important -> Bool,
    }
}

diesel::table! {
    registry_check_errors (id) {
        id -> Text,
        domain -> Text,
        at -> Timestamp,
        server -> Text,
        kind -> Text,
        message -> Text,
    }
}

diesel::table! {
    rdap_bootstraps (id) {
        id -> Text,
        fetched_at -> Timestamp,
        publication -> Text,
        body -> Text,
        sha256 -> Text,
    }
}

diesel::table! {
    job_runs (id) {
        id -> Text,
        job -> Text,
        holder -> Text,
        started_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        status -> Text,
        detail -> Text,
        period -> Nullable<Timestamp>,
    }
}

diesel::table! {
    job_leases (name) {
        name -> Text,
        holder -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    outbox_messages (id) {
        id -> Text,
        message_id -> Text,
        kind -> Text,
        dedupe_key -> Nullable<Text>,
        to_address -> Text,
        subject -> Text,
        raw -> Binary,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        matter_id -> Nullable<Text>,
        backorder_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox_sends (outbox_id) {
        outbox_id -> Text,
        started_at -> Timestamp,
        started_by -> Text,
    }
}

diesel::table! {
    outbox_attempts (id) {
        id -> Text,
        outbox_id -> Text,
        at -> Timestamp,
        outcome -> Text,
        smtp_code -> Nullable<Integer>,
        response -> Text,
    }
}

diesel::table! {
    procedures (id) {
        id -> Text,
        matter_id -> Text,
        kind -> Text,
        provider -> Text,
        case_number -> Text,
        registrar_country -> Nullable<Text>,
        status -> Text,
        outcome -> Nullable<Text>,
        rdnh_finding -> Bool,
        parties -> Text,
        panel -> Text,
        fees_minor -> Nullable<BigInt>,
        currency -> Text,
        notes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    procedure_domains (procedure_id, domain) {
        procedure_id -> Text,
        domain -> Text,
        unicode -> Text,
        backorder_id -> Nullable<Text>,
    }
}

diesel::table! {
    procedure_events (id) {
        id -> Text,
        procedure_id -> Text,
        kind -> Text,
        occurred_on -> Date,
        note -> Text,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    deadlines (id) {
        id -> Text,
        matter_id -> Text,
        procedure_id -> Nullable<Text>,
        rule -> Text,
        label -> Text,
        computed_on -> Nullable<Date>,
        official_on -> Nullable<Date>,
        calendar -> Text,
        basis -> Text,
        state -> Text,
        done_at -> Nullable<Timestamp>,
        done_by -> Nullable<Text>,
        assigned_to -> Nullable<Text>,
        overdue_alerted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_closures (id) {
        id -> Text,
        calendar -> Text,
        day -> Date,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(procedures -> matters (matter_id));
diesel::joinable!(procedure_domains -> procedures (procedure_id));
diesel::joinable!(procedure_events -> procedures (procedure_id));
diesel::joinable!(deadlines -> matters (matter_id));
diesel::joinable!(deadlines -> procedures (procedure_id));
diesel::joinable!(outbox_attempts -> outbox_messages (outbox_id));
diesel::joinable!(registry_changes -> registry_snapshots (snapshot_id));
diesel::joinable!(registry_snapshots -> registry_answers (sha256));

diesel::table! {
    sender_profiles (id) {
        id -> Text,
        label -> Text,
        legal_name -> Text,
        postal_address -> Text,
        phone -> Text,
        from_name -> Text,
        from_email -> Text,
        reply_to -> Nullable<Text>,
        dkim_selector -> Nullable<Text>,
        dkim_private_key -> Nullable<Text>,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    outreach_messages (id) {
        id -> Text,
        backorder_id -> Text,
        matter_id -> Text,
        sender_profile_id -> Text,
        to_address -> Text,
        address_source -> Text,
        subject -> Text,
        body -> Text,
        template -> Text,
        status -> Text,
        drafted_by -> Nullable<Text>,
        outbox_id -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        answer_note -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    outreach_approvals (id) {
        id -> Text,
        outreach_id -> Text,
        kind -> Text,
        user_id -> Text,
        content_sha256 -> Text,
        reason -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    suppressions (address_sha256) {
        address_sha256 -> Text,
        reason -> Text,
        source -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(outreach_messages -> backorders (backorder_id));
diesel::joinable!(outreach_messages -> sender_profiles (sender_profile_id));
diesel::joinable!(outreach_messages -> outbox_messages (outbox_id));
diesel::joinable!(outreach_approvals -> outreach_messages (outreach_id));

diesel::table! {
    report_counters (year) {
        year -> Integer,
        last_number -> Integer,
    }
}

diesel::table! {
    reports (id) {
        id -> Text,
        reference -> Text,
        kind -> Text,
        client_id -> Text,
        matter_id -> Nullable<Text>,
        generated_at -> Timestamp,
        generated_by -> Nullable<Text>,
        made_for -> Text,
        pdf -> Binary,
        sha256 -> Text,
        size_bytes -> Integer,
        pages -> Integer,
        sent_to -> Text,
        sent_at -> Nullable<Timestamp>,
        outbox_id -> Nullable<Text>,
    }
}

diesel::joinable!(reports -> clients (client_id));

diesel::table! {
    client_brand_terms (id) {
        id -> Text,
        client_id -> Text,
        term -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    lookalike_findings (id) {
        id -> Text,
        client_id -> Text,
        matter_id -> Nullable<Text>,
        domain -> Text,
        unicode -> Text,
        mark -> Text,
        reason -> Text,
        score -> Integer,
        source -> Text,
        first_seen_at -> Timestamp,
        last_seen_at -> Timestamp,
        registry -> Text,
        state -> Text,
        backorder_id -> Nullable<Text>,
        alerted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    lookalike_decisions (id) {
        id -> Text,
        finding_id -> Text,
        from_state -> Text,
        to_state -> Text,
        decided_by -> Nullable<Text>,
        decided_at -> Timestamp,
        note -> Text,
    }
}

diesel::table! {
    lookalike_checks (domain) {
        domain -> Text,
        checked_at -> Timestamp,
    }
}

diesel::joinable!(client_brand_terms -> clients (client_id));
diesel::joinable!(lookalike_findings -> clients (client_id));
diesel::joinable!(lookalike_decisions -> lookalike_findings (finding_id));
