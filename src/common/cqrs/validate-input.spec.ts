import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { AppError, ErrorCode } from '../errors/app-error';
import { AppCommand, Actor } from './app-command';
import { ToInt, Trim } from './transforms';

class SampleCommand extends AppCommand<string> {
  @Trim()
  @IsString()
  @Length(1, 10)
  name: string;

  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  actor: Actor;
}

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a validation failure');
}

describe('AppCommand.create', () => {
  const actor: Actor = { userId: '0190c7c0-0000-7000-8000-000000000000' };

  it('builds a trimmed, typed command and attaches the server-side context', () => {
    const cmd = SampleCommand.create({ name: '  bob ', limit: '20' }, { actor });
    expect(cmd).toBeInstanceOf(SampleCommand);
    expect(cmd.name).toBe('bob');
    expect(cmd.limit).toBe(20);
    expect(cmd.actor).toBe(actor);
  });

  it('refuses unknown fields, naming them', () => {
    const err = failure(() => SampleCommand.create({ name: 'bob', admin: true }));
    expect(err.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(err.details).toEqual([{ field: 'admin', message: 'property admin should not exist' }]);
  });

  it('never lets the client set server-side context', () => {
    const err = failure(() => SampleCommand.create({ name: 'bob', actor: { userId: 'x', role: 'admin' } }, { actor }));
    expect(err.details?.[0]?.field).toBe('actor');
  });

  it('refuses prototype-polluting keys and non-objects', () => {
    expect(failure(() => SampleCommand.create(JSON.parse('{"name":"a","__proto__":{"x":1}}'))).code).toBe(
      ErrorCode.VALIDATION_FAILED,
    );
    expect(failure(() => SampleCommand.create([1, 2])).details?.[0]?.field).toBe('body');
    expect(failure(() => SampleCommand.create('text')).details?.[0]?.field).toBe('body');
  });

  it('reports every failing field with a message', () => {
    const err = failure(() => SampleCommand.create({ name: '   ', limit: '1.5' }));
    const fields = err.details?.map((d) => d.field).sort();
    expect(fields).toEqual(['limit', 'name']);
    expect(err.message).toMatch(/name|limit/);
  });
});
