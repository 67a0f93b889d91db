/**
 * Schema migrations, applied in order once each (recorded in
 * `schema_migrations`). Plain PostgreSQL, which PGlite runs as it is.
 */
export const MIGRATIONS: ReadonlyArray<{ id: string; sql: string }> = [
  {
    id: '001_users',
    sql: `
      CREATE TABLE users (
        id            text PRIMARY KEY,
        tenant_id     text NOT NULL,
        display_name  text NOT NULL,
        password_hash text NOT NULL,
        roles         text[] NOT NULL DEFAULT '{}'
      );`,
  },
  {
    id: '002_notifications',
    sql: `
      CREATE TABLE notifications (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id    text NOT NULL,
        recipient_id text NOT NULL REFERENCES users(id),
        sender_id    text REFERENCES users(id),
        title        text NOT NULL,
        body         text NOT NULL,
        priority     text NOT NULL CHECK (priority IN ('normal', 'high', 'urgent')),
        created_at   timestamptz NOT NULL DEFAULT now(),
        read_at      timestamptz
      );
      CREATE INDEX notifications_recipient ON notifications (recipient_id, id DESC);`,
  },
  {
    id: '003_approvals',
    sql: `
      CREATE TABLE approvals (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id    text NOT NULL,
        requester_id text NOT NULL REFERENCES users(id),
        title        text NOT NULL,
        description  text,
        status       text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        step         integer NOT NULL DEFAULT 0,
        approver_ids text[] NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE approval_actions (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        approval_id bigint NOT NULL REFERENCES approvals(id),
        actor_id    text NOT NULL REFERENCES users(id),
        action      text NOT NULL CHECK (action IN ('approve', 'reject')),
        comment     text,
        created_at  timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    // Every notification query names the tenant (a user id is unique only
    // within its tenant as far as the API is concerned), so index by it.
    id: '004_tenant_indexes',
    sql: `
      DROP INDEX notifications_recipient;
      CREATE INDEX notifications_recipient ON notifications (tenant_id, recipient_id, id DESC);
      CREATE INDEX approvals_requester ON approvals (tenant_id, requester_id, id DESC);`,
  },
  {
    id: '005_announcements',
    sql: `
      CREATE TABLE announcements (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id  text NOT NULL,
        author_id  text NOT NULL REFERENCES users(id),
        title      text NOT NULL,
        body       text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX announcements_tenant ON announcements (tenant_id, id DESC);`,
  },
  {
    // The events to publish, written in the transaction of the change they
    // announce and relayed to the broker once committed (src/live/outbox.relay.ts).
    id: '006_outbox',
    sql: `
      CREATE TABLE outbox (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id       text NOT NULL,
        target_kind     text NOT NULL CHECK (target_kind IN ('user', 'topic', 'tenant')),
        target_id       text,
        event           text NOT NULL,
        data            jsonb NOT NULL,
        idempotency_key text NOT NULL UNIQUE,
        created_at      timestamptz NOT NULL DEFAULT now(),
        claimed_by      text,
        claimed_until   timestamptz,
        attempts        integer NOT NULL DEFAULT 0,
        last_error      text,
        published_at    timestamptz,
        failed_at       timestamptz
      );
      CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL AND failed_at IS NULL;
      CREATE INDEX outbox_done ON outbox (coalesce(published_at, failed_at)) WHERE published_at IS NOT NULL OR failed_at IS NOT NULL;`,
  },
];
