//! The diesel schema, shared by both backends: the migrations in `migrations/sqlite` and
//! `migrations/postgres` create the same tables with types that map to these (BIGINT, TEXT,
//! BOOLEAN, BLOB/BYTEA), so one query builds for SQLite and PostgreSQL alike.

diesel::table! {
    audit_head (id) {
        id -> BigInt,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        at -> BigInt,
        actor -> Text,
        action -> Text,
        subject -> Text,
        detail -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    departments (code) {
        code -> Text,
        name -> Text,
        parent -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    windows (code) {
        code -> Text,
        name -> Text,
        kind -> Text,
        departments -> Text,
        data -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    grants (id) {
        id -> BigInt,
        window_code -> Text,
        clerk -> Nullable<Text>,
        department -> Nullable<Text>,
        items -> Text,
        actions -> Text,
        valid_from -> BigInt,
        valid_to -> Nullable<BigInt>,
        granted_by -> Text,
        document_no -> Text,
        created_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
        revoked_by -> Nullable<Text>,
        revoke_document_no -> Nullable<Text>,
        revoke_reason -> Nullable<Text>,
    }
}

diesel::table! {
    window_staff (window_code, username) {
        window_code -> Text,
        username -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    users (username) {
        username -> Text,
        password_hash -> Text,
        name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        roles -> Text,
        department -> Nullable<Text>,
        active -> Bool,
        created_at -> BigInt,
        updated_at -> BigInt,
        must_change_password -> Bool,
    }
}

diesel::table! {
    sign_in_failures (key) {
        key -> Text,
        failures -> BigInt,
        blocked_until -> BigInt,
        last_at -> BigInt,
    }
}

diesel::table! {
    items (code, version) {
        code -> Text,
        version -> BigInt,
        name -> Text,
        department -> Text,
        kind -> Text,
        body -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    calendar_years (calendar, year) {
        calendar -> Text,
        year -> BigInt,
        holidays -> Text,
        workdays -> Text,
        updated_at -> BigInt,
        source -> Nullable<Text>,
    }
}

diesel::table! {
    calendar_reprojections (id) {
        id -> BigInt,
        calendar -> Text,
        year -> BigInt,
        source -> Text,
        actor -> Text,
        cursor -> Text,
        examined -> BigInt,
        moved -> BigInt,
        created_at -> BigInt,
        lease_until -> BigInt,
        finished_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    cases (case_no) {
        case_no -> Text,
        query_code -> Text,
        item_code -> Text,
        item_version -> BigInt,
        department -> Text,
        window_code -> Nullable<Text>,
        owner -> Nullable<Text>,
        status -> Text,
        version -> BigInt,
        received_at -> BigInt,
        acceptance_due -> Nullable<BigInt>,
        promised_due -> Nullable<BigInt>,
        legal_due -> Nullable<BigInt>,
        next_check_at -> Nullable<BigInt>,
        data -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        applicant_name -> Text,
        applicant_id_number -> Text,
        applicant_phone -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (idempotency_key) {
        idempotency_key -> Text,
        request_hash -> Text,
        case_no -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    case_events (id) {
        id -> BigInt,
        case_no -> Text,
        seq -> BigInt,
        at -> BigInt,
        kind -> Text,
        actor -> Text,
        window_code -> Nullable<Text>,
        grant_id -> Nullable<BigInt>,
        data -> Text,
    }
}

diesel::table! {
    stage_tasks (case_no, stage) {
        case_no -> Text,
        stage -> Text,
        department -> Text,
        status -> Text,
        due -> Nullable<BigInt>,
        next_check_at -> Nullable<BigInt>,
        updated_at -> BigInt,
    }
}

diesel::table! {
    alerts (id) {
        id -> BigInt,
        scope -> Text,
        case_no -> Nullable<Text>,
        stage -> Nullable<Text>,
        rule -> Text,
        level -> Text,
        status -> Text,
        department -> Nullable<Text>,
        raised_at -> BigInt,
        updated_at -> BigInt,
        detail -> Text,
    }
}

diesel::table! {
    alert_steps (id) {
        id -> BigInt,
        alert_id -> BigInt,
        action -> Text,
        from_status -> Text,
        to_status -> Text,
        actor -> Text,
        at -> BigInt,
        note -> Nullable<Text>,
        notified -> Text,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        kind -> Text,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        created_at -> BigInt,
        attempts -> BigInt,
        next_attempt_at -> BigInt,
        sent_at -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    evaluations (case_no) {
        case_no -> Text,
        score -> BigInt,
        comment -> Nullable<Text>,
        at -> BigInt,
        follow_up_due -> Nullable<BigInt>,
        followed_up_at -> Nullable<BigInt>,
        follow_up_note -> Nullable<Text>,
        followed_up_by -> Nullable<Text>,
    }
}

diesel::table! {
    urging_orders (id) {
        id -> BigInt,
        alert_id -> BigInt,
        case_no -> Nullable<Text>,
        department -> Text,
        issued_by -> Text,
        issued_at -> BigInt,
        note -> Nullable<Text>,
        reply_days -> BigInt,
        reply_due -> BigInt,
        reply -> Nullable<Text>,
        replied_by -> Nullable<Text>,
        replied_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    complaints (id) {
        id -> BigInt,
        case_no -> Nullable<Text>,
        window_code -> Nullable<Text>,
        text -> Text,
        contact -> Nullable<Text>,
        at -> BigInt,
        status -> Text,
        handled_at -> Nullable<BigInt>,
        response -> Nullable<Text>,
    }
}

diesel::table! {
    case_attachments (id) {
        id -> BigInt,
        case_no -> Text,
        material_code -> Text,
        file_name -> Text,
        content_type -> Text,
        size -> BigInt,
        sha256 -> Text,
        content -> Binary,
        uploaded_by -> Text,
        uploaded_at -> BigInt,
    }
}

diesel::table! {
    digests (day) {
        day -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    documents (case_no, kind, ordinal) {
        case_no -> Text,
        kind -> Text,
        ordinal -> BigInt,
        department -> Text,
        year -> BigInt,
        seq -> BigInt,
        number -> Text,
        issued_at -> BigInt,
        issued_by -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    documents,
    audit_head,
    audit_log,
    departments,
    windows,
    grants,
    window_staff,
    users,
    items,
    calendar_reprojections,
    calendar_years,
    cases,
    idempotency_keys,
    case_events,
    stage_tasks,
    alerts,
    alert_steps,
    urging_orders,
    outbox,
    evaluations,
    complaints,
    case_attachments,
    digests,
);

diesel::table! {
    config_revision (id) {
        id -> Integer,
        revision -> BigInt,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        secret -> Text,
        created_at -> BigInt,
        retired_until -> Nullable<BigInt>,
    }
}

diesel::table! {
    hall_settings (id) {
        id -> Integer,
        office_hours -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        username -> Text,
        window_code -> Nullable<Text>,
        created_at -> BigInt,
        expires_at -> BigInt,
        ended_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    auth_revision (id) {
        id -> Integer,
        revision -> BigInt,
    }
}

diesel::table! {
    backups (id) {
        id -> BigInt,
        taken_at -> BigInt,
        path -> Text,
        bytes -> BigInt,
        sha256 -> Text,
        cases -> BigInt,
    }
}

diesel::table! {
    backup_lease (id) {
        id -> Integer,
        holder -> Text,
        expires_at -> BigInt,
    }
}
