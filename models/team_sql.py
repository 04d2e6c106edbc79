"""The SQL of team mode: functions, row-level security policies and triggers.

Every statement is idempotent (CREATE OR REPLACE, DROP ... IF EXISTS first), so `team init`
can run again after an upgrade to refresh them. `{owner}`, `{annotator}`, `{reviewer}`,
`{admin}` are quoted role names, `{schema}` the quoted schema, `{admin_name}` and
`{reviewer_name}` the admin and reviewer group names as SQL string literals.

Identity is session_user everywhere: SET ROLE changes current_user, never session_user.
"""

from __future__ import annotations

# Tables whose rows belong to a layer, directly or through their event.
LAYER_TABLES = ("spans", "relations", "events", "document_categories")

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION {schema}.marginalia_is_reviewer() RETURNS boolean
    LANGUAGE sql STABLE AS $$ SELECT pg_has_role(session_user, {reviewer_name}, 'MEMBER') $$;

CREATE OR REPLACE FUNCTION {schema}.marginalia_is_admin() RETURNS boolean
    LANGUAGE sql STABLE AS $$ SELECT pg_has_role(session_user, {admin_name}, 'MEMBER') $$;

-- may the login write the layer of this name: its own, gold for reviewers, any for admins
CREATE OR REPLACE FUNCTION {schema}.marginalia_may_write(layer_name text) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT layer_name = session_user
        OR (layer_name = 'gold' AND {schema}.marginalia_is_reviewer())
        OR {schema}.marginalia_is_admin() $$;

-- the text an audit row's hash covers; `audit verify` rebuilds it from the columns
CREATE OR REPLACE FUNCTION {schema}.marginalia_audit_payload(r {schema}.audit_log)
    RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(E'\x1f', r.id::text,
                     to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
                     r.user_name, r.action, r.table_name, coalesce(r.row_id::text, ''),
                     coalesce(r.project_id::text, ''), coalesce(r.document_id::text, ''),
                     coalesce(r.before::text, ''), coalesce(r.after::text, '')) $$;

-- each new audit row: the login as its user, the server's time, the next id and the hash
-- of the row before it. One writer at a time (an advisory lock until commit), so the chain
-- never forks; READ COMMITTED only, so the newest row is really the newest.
CREATE OR REPLACE FUNCTION {schema}.marginalia_audit_chain() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    prev text;
    superuser boolean;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'the audit log is written in READ COMMITTED transactions only'
            USING ERRCODE = '25000';
    END IF;
    PERFORM pg_advisory_xact_lock({chain_lock});
    SELECT rolsuper INTO superuser FROM pg_roles WHERE rolname = session_user;
    -- a superuser stands outside the trust boundary and may name the user it acts for
    IF NOT coalesce(superuser, false) OR NEW.user_name IS NULL THEN
        NEW.user_name := session_user;
    END IF;
    NEW.at := clock_timestamp();
    NEW.id := nextval(pg_get_serial_sequence('{schema_text}.audit_log', 'id'));
    SELECT a.hash INTO prev FROM {schema}.audit_log a ORDER BY a.id DESC LIMIT 1;
    NEW.prev_hash := prev;
    NEW.hash := encode(sha256(convert_to(
        coalesce(prev, '') || E'\n' || {schema}.marginalia_audit_payload(NEW), 'UTF8')), 'hex');
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION {schema}.marginalia_audit_frozen() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = '42501';
END $$;

-- add a user or change one: the login role (password as a SCRAM verifier, never plain
-- text), its one group role, the users row and an audit row. Admins only.
CREATE OR REPLACE FUNCTION {schema}.marginalia_set_user(p_name text, p_role text,
                                                        p_verifier text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
DECLARE
    groups text[] := ARRAY[{annotator_name}, {reviewer_name}, {admin_name}];
    wanted text;
    g text;
    r record;
    old_role text;
    uid integer;
BEGIN
    -- admins, and whoever runs `team init` (a member of the owner role, or a superuser)
    IF NOT {schema}.marginalia_is_admin()
            AND NOT pg_has_role(session_user, {owner_name}, 'MEMBER') THEN
        RAISE EXCEPTION '% cannot add or change users; only admins can', session_user
            USING ERRCODE = '42501';
    END IF;
    IF p_role NOT IN ('annotator', 'reviewer', 'admin') THEN
        RAISE EXCEPTION 'role % is not one of annotator, reviewer, admin', p_role
            USING ERRCODE = '22023';
    END IF;
    IF p_name = 'gold' OR p_name = ANY (groups) OR p_name = {owner_name}
            OR p_name LIKE 'pg\_%' OR p_name !~ '^[A-Za-z0-9_.@-]{{1,63}}$' THEN
        RAISE EXCEPTION '% cannot be the name of a user', p_name USING ERRCODE = '22023';
    END IF;
    IF p_verifier IS NOT NULL AND p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
        RAISE EXCEPTION 'a password is stored as a SCRAM-SHA-256 verifier only'
            USING ERRCODE = '22023';
    END IF;
    wanted := groups[array_position(ARRAY['annotator', 'reviewer', 'admin'], p_role)];
    SELECT * INTO r FROM pg_roles WHERE rolname = p_name;
    IF NOT FOUND THEN
        IF p_verifier IS NULL THEN
            EXECUTE format('CREATE ROLE %I LOGIN', p_name);
        ELSE
            EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', p_name, p_verifier);
        END IF;
    ELSE
        IF r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication
                OR r.rolbypassrls THEN
            RAISE EXCEPTION 'the server role % has powers beyond a user''s; it cannot be '
                'a Marginalia user', p_name USING ERRCODE = '42501';
        END IF;
        EXECUTE format('ALTER ROLE %I LOGIN', p_name);
        IF p_verifier IS NOT NULL THEN
            EXECUTE format('ALTER ROLE %I PASSWORD %L', p_name, p_verifier);
        END IF;
    END IF;
    FOREACH g IN ARRAY groups LOOP
        IF g <> wanted AND EXISTS (SELECT 1 FROM pg_auth_members m
                                   WHERE m.roleid = g::regrole AND m.member = p_name::regrole)
        THEN
            EXECUTE format('REVOKE %I FROM %I', g, p_name);
        END IF;
    END LOOP;
    EXECUTE format('GRANT %I TO %I', wanted, p_name);
    SELECT role, id INTO old_role, uid FROM {schema}.users WHERE name = p_name;
    IF uid IS NULL THEN
        INSERT INTO {schema}.users (name, role, created_at) VALUES (p_name, p_role, now())
            RETURNING id INTO uid;
    ELSE
        UPDATE {schema}.users SET role = p_role WHERE id = uid;
    END IF;
    INSERT INTO {schema}.audit_log (at, user_name, action, table_name, row_id, before, after)
        VALUES (now(), session_user, CASE WHEN old_role IS NULL THEN 'add_user'
                                          ELSE 'set_user' END,
                'users', uid,
                CASE WHEN old_role IS NULL THEN NULL
                     ELSE json_build_object('name', p_name, 'role', old_role) END,
                json_build_object('name', p_name, 'role', p_role,
                                  'password_changed', p_verifier IS NOT NULL));
    RETURN coalesce(old_role, '');
END $$;
"""

# (table, command, USING, WITH CHECK); every policy is for the annotator group, which the
# reviewer and admin groups are members of.
_LAYER_READ = "layer_id IN (SELECT id FROM {schema}.layers)"  # the layers policy filters
_LAYER_WRITE = ("layer_id IN (SELECT l.id FROM {schema}.layers l "
                "WHERE {schema}.marginalia_may_write(l.name))")
_SAME_LAYER = ("EXISTS (SELECT 1 FROM {schema}.spans x WHERE x.id = {table}.{column} "
               "AND x.layer_id = {table}.layer_id)")
_ARG_EVENT_WRITE = ("event_id IN (SELECT e.id FROM {schema}.events e JOIN {schema}.layers l "
                    "ON l.id = e.layer_id WHERE {schema}.marginalia_may_write(l.name))")
_ARG_SAME_LAYER = (
    "(span_id IS NULL OR EXISTS (SELECT 1 FROM {schema}.spans x JOIN {schema}.events e "
    "ON e.layer_id = x.layer_id WHERE x.id = event_arguments.span_id "
    "AND e.id = event_arguments.event_id)) AND "
    "(target_event_id IS NULL OR EXISTS (SELECT 1 FROM {schema}.events x "
    "JOIN {schema}.events e ON e.layer_id = x.layer_id "
    "WHERE x.id = event_arguments.target_event_id AND e.id = event_arguments.event_id))")
_IS_ADMIN = "{schema}.marginalia_is_admin()"
# a label's imported task (source_tasks) is one of its own layer's
_SAME_LAYER_TASK = ("({table}.task_id IS NULL OR EXISTS (SELECT 1 FROM {schema}.source_tasks t "
                    "WHERE t.id = {table}.task_id AND t.layer_id = {table}.layer_id))")


# a task's link to a span (task_spans): through the task's layer, and the span is of it too
_TASK_READ = "task_id IN (SELECT id FROM {schema}.source_tasks)"  # its policy filters
_TASK_WRITE = ("task_id IN (SELECT t.id FROM {schema}.source_tasks t JOIN {schema}.layers l "
               "ON l.id = t.layer_id WHERE {schema}.marginalia_may_write(l.name))")
_TASK_SPAN_SAME_LAYER = ("EXISTS (SELECT 1 FROM {schema}.source_tasks t JOIN {schema}.spans x "
                         "ON x.layer_id = t.layer_id WHERE t.id = task_spans.task_id "
                         "AND x.id = task_spans.span_id)")


def _write_policies(table: str, read: str, write: str, check: str | None = None):
    check = f"{write} AND {check}" if check else write
    return [(table, "SELECT", read, None), (table, "INSERT", None, check),
            (table, "UPDATE", write, check), (table, "DELETE", write, None)]


def policies() -> list[tuple[str, str, str | None, str | None]]:
    out = [
        ("layers", "SELECT", "name = session_user OR {schema}.marginalia_is_reviewer()", None),
        ("layers", "INSERT", None, "{schema}.marginalia_may_write(name)"),
        ("layers", "UPDATE", "{schema}.marginalia_may_write(name)",
         "{schema}.marginalia_may_write(name)"),
        ("layers", "DELETE", "{schema}.marginalia_may_write(name)", None),
    ]
    out += _write_policies("source_tasks", _LAYER_READ, _LAYER_WRITE)
    out += _write_policies("spans", _LAYER_READ, _LAYER_WRITE, _SAME_LAYER_TASK.format(
        schema="{schema}", table="spans"))
    out += _write_policies("document_categories", _LAYER_READ, _LAYER_WRITE,
                           _SAME_LAYER_TASK.format(schema="{schema}",
                                                   table="document_categories"))
    out += _write_policies("relations", _LAYER_READ, _LAYER_WRITE, " AND ".join(
        [_SAME_LAYER.format(schema="{schema}", table="relations", column=c)
         for c in ("head_id", "tail_id")]
        + [_SAME_LAYER_TASK.format(schema="{schema}", table="relations")]))
    out += _write_policies("task_spans", _TASK_READ, _TASK_WRITE, _TASK_SPAN_SAME_LAYER)
    out += _write_policies("events", _LAYER_READ, _LAYER_WRITE, _SAME_LAYER.format(
        schema="{schema}", table="events", column="trigger_id"))
    out += _write_policies("event_arguments", "event_id IN (SELECT id FROM {schema}.events)",
                           _ARG_EVENT_WRITE, _ARG_SAME_LAYER)
    # the audit log: own rows for annotators, all for reviewers; anyone appends (the trigger
    # writes who and when); nobody updates or deletes (no grant, and a trigger)
    out += [("audit_log", "SELECT", "user_name = session_user OR "
             "{schema}.marginalia_is_reviewer()", None),
            ("audit_log", "INSERT", None, "true")]
    # users: one's own row; the whole list and every change for admins
    out += [("users", "SELECT", f"name = session_user OR {_IS_ADMIN}", None)]
    out += [("users", cmd, _IS_ADMIN if cmd != "INSERT" else None,
             _IS_ADMIN if cmd != "DELETE" else None) for cmd in ("INSERT", "UPDATE", "DELETE")]
    # comments: read by everyone on the project, written in one's own name
    out += [("comments", "SELECT", "true", None),
            ("comments", "INSERT", None, "user_name = session_user"),
            ("comments", "DELETE", f"user_name = session_user OR {_IS_ADMIN}", None)]
    return out


RLS_TABLES = ("layers", "source_tasks", "task_spans", "spans", "relations", "events",
              "event_arguments", "document_categories", "audit_log", "users", "comments")

# table -> privileges of each group (cumulative: a reviewer has the annotator's too)
GRANTS = {
    "annotator": {
        "projects": "SELECT", "schemas": "SELECT", "documents": "SELECT",
        "alembic_version": "SELECT", "users": "SELECT", "comments": "SELECT, INSERT, DELETE",
        "layers": "SELECT, INSERT, UPDATE, DELETE", "spans": "SELECT, INSERT, UPDATE, DELETE",
        "source_tasks": "SELECT, INSERT, UPDATE, DELETE",
        "task_spans": "SELECT, INSERT, UPDATE, DELETE",
        "relations": "SELECT, INSERT, UPDATE, DELETE",
        "events": "SELECT, INSERT, UPDATE, DELETE",
        "event_arguments": "SELECT, INSERT, UPDATE, DELETE",
        "document_categories": "SELECT, INSERT, UPDATE, DELETE",
        "audit_log": "SELECT, INSERT",
        # tokens are made lazily by whoever first needs them (open, export, agreement)
        "document_tokens": "SELECT, INSERT",
    },
    "reviewer": {},
    "admin": {
        "projects": "INSERT, UPDATE, DELETE", "schemas": "INSERT, UPDATE, DELETE",
        "documents": "INSERT, UPDATE, DELETE", "users": "INSERT, UPDATE, DELETE",
        "document_tokens": "UPDATE, DELETE",  # a file's tokens replace spaCy's on import
    },
}

TRIGGERS = """
DROP TRIGGER IF EXISTS marginalia_audit_chain ON {schema}.audit_log;
CREATE TRIGGER marginalia_audit_chain BEFORE INSERT ON {schema}.audit_log
    FOR EACH ROW EXECUTE FUNCTION {schema}.marginalia_audit_chain();
DROP TRIGGER IF EXISTS marginalia_audit_frozen ON {schema}.audit_log;
CREATE TRIGGER marginalia_audit_frozen BEFORE UPDATE OR DELETE ON {schema}.audit_log
    FOR EACH ROW EXECUTE FUNCTION {schema}.marginalia_audit_frozen();
DROP TRIGGER IF EXISTS marginalia_audit_no_truncate ON {schema}.audit_log;
CREATE TRIGGER marginalia_audit_no_truncate BEFORE TRUNCATE ON {schema}.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.marginalia_audit_frozen();
"""
