import { sql, type Kysely } from 'kysely';
import type { DB } from '../src/db/schema.js';

// Set-based generation of a service history for the benchmark: 200 agents in 20 teams,
// 30 jobs, 5 product lines, 500,000 customers holding them, one case per five
// interactions, and `size` interactions over Q1 2026 on ten channels, 60% of them on a case.

const CUSTOMERS = 500_000;
const CHUNK = 1_000_000;
const CHANNELS = `(array['phone','email','chat','web','social','store','paper','video','sms','app'])`;

export async function loadServiceBenchData(
  db: Kysely<DB>,
  size: number,
  fresh: boolean,
): Promise<{ workspaceId: string; generated: boolean; generateSeconds: number | null }> {
  const workspaceId = `ws_benchservice${size}`;
  const existing = await sql<{ n: number }>`select count(*) as n from interactions where workspace_id = ${workspaceId}`.execute(db);
  if (!fresh && Number(existing.rows[0]?.n) === size) return { workspaceId, generated: false, generateSeconds: null };

  const started = performance.now();
  const cases = Math.max(1, Math.floor(size / 5));
  const say = (text: string) => process.stdout.write(`${text} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  await db.connection().execute(async (conn) => {
    // Generated rows are consistent by construction; skipping FK triggers makes the load minutes, not an hour.
    await sql`set session_replication_role = replica`.execute(conn);
    await sql`set synchronous_commit = off`.execute(conn);
    for (const table of ['service_rollup_buckets', 'service_rollups', 'interactions', 'case_events', 'cases', 'holdings', 'products']) {
      await sql`delete from ${sql.table(table)} where workspace_id = ${workspaceId}`.execute(conn);
    }
    for (const table of ['service_team_members', 'service_teams', 'service_jobs', 'product_lines', 'customers', 'memberships']) {
      await sql`delete from ${sql.table(table)} where workspace_id = ${workspaceId}`.execute(conn);
    }
    await sql`delete from users where id like ${`usr_b${size}x%`}`.execute(conn);
    await sql`delete from workspaces where id = ${workspaceId}`.execute(conn);
    await sql`insert into workspaces (id, name, slug) values (${workspaceId}, 'Service bench', ${`bench-service-${size}`})`.execute(conn);
    const user = (i: ReturnType<typeof sql>) => sql`${`usr_b${size}x`} || ${i}`;
    await sql`insert into users (id, email, name, password_hash)
      select ${user(sql`g`)}, 'agent' || g || ${`@bench-${size}.example`}, 'Agent ' || g, 'x' from generate_series(0, 199) g`.execute(conn);
    await sql`insert into memberships (workspace_id, user_id, role) select ${workspaceId}, ${user(sql`g`)}, 'agent' from generate_series(0, 199) g`.execute(
      conn,
    );
    await sql`insert into service_teams (workspace_id, id, name, lead_user_id)
      select ${workspaceId}, 'tm_b' || g, 'Team ' || g, ${user(sql`g`)} from generate_series(0, 19) g`.execute(conn);
    await sql`insert into service_team_members (workspace_id, team_id, user_id)
      select ${workspaceId}, 'tm_b' || (g % 20), ${user(sql`g`)} from generate_series(0, 199) g`.execute(conn);
    await sql`insert into service_jobs (workspace_id, id, code, name) select ${workspaceId}, 'job_b' || g, 'job-' || g, 'Job ' || g from generate_series(0, 29) g`.execute(
      conn,
    );
    await sql`insert into product_lines (workspace_id, id, code, name) select ${workspaceId}, 'pl_b' || g, 'line-' || g, 'Line ' || g from generate_series(0, 4) g`.execute(
      conn,
    );
    await sql`insert into products (workspace_id, id, product_line_id, code, name, kind)
      select ${workspaceId}, 'prd_b' || g, 'pl_b' || g, 'product-' || g, 'Product ' || g, 'subscription' from generate_series(0, 4) g`.execute(
      conn,
    );
    await sql`insert into customers (workspace_id, id, display_name) select ${workspaceId}, 'cus_b' || g, 'Customer ' || g from generate_series(0, ${CUSTOMERS - 1}) g`.execute(
      conn,
    );
    await sql`insert into holdings (workspace_id, id, customer_id, product_id, status, started_at, price_minor, currency)
      select ${workspaceId}, 'hld_b' || g, 'cus_b' || (g % ${CUSTOMERS}), 'prd_b' || ((g + g / ${CUSTOMERS}) % 5), 'active', '2025-01-01', 1500, 'GBP'
      from generate_series(0, ${CUSTOMERS + CUSTOMERS / 5 - 1}) g`.execute(conn);
    say('customers, teams and holdings');

    await sql`insert into cases (workspace_id, id, customer_id, subject, state, priority, channel, job_id, product_line_id, team_id,
        agent_user_id, is_complaint, complaint_category, opened_at, first_response_due_at, resolution_due_at, first_responded_at,
        resolved_at, first_response_seconds, resolution_seconds, contact_count, channel_switches, transfer_count, repeat_contact_at)
      select ${workspaceId}, 'cas_b' || i, 'cus_b' || (i % ${CUSTOMERS}), 'Case ' || i, case when r3 < 0.9 then 'resolved' else 'responded' end,
        'normal', ${sql.raw(CHANNELS)}[(i % 10) + 1], 'job_b' || (i % 30), 'pl_b' || (i % 5), 'tm_b' || ((i % 200) % 20), ${user(sql`(i % 200)`)},
        i % 50 = 0, case when i % 50 = 0 then 'billing' end, opened, opened + interval '4 hours', opened + interval '48 hours',
        opened + frs * interval '1 second', case when r3 < 0.9 then opened + res * interval '1 second' end, frs,
        case when r3 < 0.9 then res end, 1 + (i % 3 = 0)::int + (i % 7 = 0)::int * 2, (i % 7 = 0)::int, (i % 11 = 0)::int,
        case when r3 < 0.9 and i % 13 = 0 then opened + res * interval '1 second' + interval '2 days' end
      from (select i, '2026-01-01'::timestamptz + random() * interval '89 days' as opened,
              (60 * exp(random() * 7))::bigint as frs, random() as r3, (60 * exp(random() * 7))::bigint + (60 * exp(random() * 9))::bigint as res
            from generate_series(0, ${cases - 1}::int) i) g`.execute(conn);
    say(`${cases} cases`);

    for (let lo = 0; lo < size; lo += CHUNK) {
      const hi = Math.min(size, lo + CHUNK) - 1;
      // 60% of interactions sit on case g % cases and share its customer and dimensions.
      await sql`insert into interactions (workspace_id, id, customer_id, channel, direction, agent_user_id, team_id, job_id, case_id,
          product_line_id, started_at, ended_at, outcome)
        select ${workspaceId}, 'int_b' || g, 'cus_b' || (k % ${CUSTOMERS}), ${sql.raw(CHANNELS)}[(k % 10) + 1],
          case when g % 3 = 0 then 'outbound' else 'inbound' end, ${user(sql`(k % 200)`)}, 'tm_b' || ((k % 200) % 20), 'job_b' || (k % 30),
          case when linked then 'cas_b' || k end, 'pl_b' || (k % 5), started, started + (30 + g % 900) * interval '1 second', 'done'
        from (select g, g % 5 < 3 as linked, case when g % 5 < 3 then g % ${cases} else g end as k,
                '2026-01-01'::timestamptz + random() * interval '90 days' as started
              from generate_series(${lo}::int, ${hi}::int) g) s`.execute(conn);
      say(`${hi + 1} interactions`);
    }
    await sql`set session_replication_role = origin`.execute(conn);
  });
  return { workspaceId, generated: true, generateSeconds: (performance.now() - started) / 1000 };
}
