/** The relay's statements, all parameterised. */
export const OUTBOX_SQL = {
  /** Oldest first; rows another relay holds are skipped, not waited for. Uses outbox_unpublished_idx. */
  claim: `select id, payload from outbox
           where published_at is null
           order by created_at, seq
           limit $1
           for update skip locked`,
  markPublished: `update outbox set published_at = now(), attempts = attempts + 1, last_error = null
                   where id = any($1::uuid[])`,
  markFailed: `update outbox set attempts = outbox.attempts + 1, last_error = f.error
                 from unnest($1::uuid[], $2::text[]) as f(id, error)
                where outbox.id = f.id`,
  purgeOutbox: `delete from outbox where id in (
                  select id from outbox
                   where published_at < now() - ($1::double precision * interval '1 millisecond')
                   limit $2)`,
  purgeInbox: `delete from inbox where ctid in (
                 select ctid from inbox
                  where handled_at < now() - ($1::double precision * interval '1 millisecond')
                  limit $2)`,
  /** Cheap: reads only the partial index of unpublished rows. */
  backlog: `select count(*)::int as backlog,
                   coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as age
              from outbox where published_at is null`,
} as const;
