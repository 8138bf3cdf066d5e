/** The health module's public face. */
export { HealthModule } from './health.module';
