import type { Generated } from 'kysely';
import type { WorkspacesTables } from '../workspaces/tables.js';
import type { AuthTables } from '../auth/tables.js';
import type { CustomersTables } from '../customers/tables.js';
import type { CatalogTables } from '../catalog/tables.js';
import type { HoldingsTables } from '../holdings/tables.js';
import type { IngestTables } from '../ingest/tables.js';
import type { ServiceTables } from '../service/tables.js';
import type { MetricsTables } from '../metrics/tables.js';
import type { MessagesTables } from '../messages/tables.js';
import type { FeedbackTables } from '../feedback/tables.js';
import type { LoyaltyTables } from '../loyalty/tables.js';
import type { GivingTables } from '../giving/tables.js';

// The database type: every capability's tables, composed. Each capability owns its tables
// and their row types (src/<capability>/tables.ts); the ownership test (src/db/ownership.test.ts)
// checks that only the owner writes them.

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  /** sha256 of the file as applied: an applied migration is immutable (src/db/migrate.ts). */
  checksum: string;
  applied_at: Generated<Date>;
}

export interface DB
  extends
    WorkspacesTables,
    AuthTables,
    CustomersTables,
    CatalogTables,
    HoldingsTables,
    IngestTables,
    ServiceTables,
    MetricsTables,
    MessagesTables,
    FeedbackTables,
    LoyaltyTables,
    GivingTables {
  schema_migrations: SchemaMigrationsTable;
}
