/** The audit module's public face. */
export { AuditLog, AuditModule } from './audit-log';
export type { AuditEntry } from './audit-log';
