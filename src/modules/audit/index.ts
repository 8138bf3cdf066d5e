/** The audit module's public face. */
export { AuditLog, AuditModule } from './audit-log.repository';
export type { AuditEntry } from './audit-log.repository';
