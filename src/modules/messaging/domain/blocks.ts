import { EntityManager } from 'typeorm';

/** Users among `others` who blocked `userId` or whom `userId` blocked. */
export async function blockedBetween(manager: EntityManager, userId: string, others: string[]): Promise<string[]> {
  if (others.length === 0) return [];
  const rows: { other: string }[] = await manager.query(
    `SELECT CASE WHEN blocker_id = $1 THEN blocked_id ELSE blocker_id END AS other FROM user_blocks
      WHERE (blocker_id = $1 AND blocked_id = ANY($2::uuid[])) OR (blocked_id = $1 AND blocker_id = ANY($2::uuid[]))`,
    [userId, others],
  );
  return rows.map((r) => r.other);
}

/** Which of `ids` are existing users. */
export async function existingUsers(manager: EntityManager, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows: { id: string }[] = await manager.query(`SELECT id FROM users WHERE id = ANY($1::uuid[])`, [ids]);
  return new Set(rows.map((r) => r.id));
}

/**
 * Users among `others` whose privacy setting admits only contacts to add them to a group
 * (groupInvites = 'contacts') and who share no direct conversation with `userId`.
 */
export async function contactsOnlyStrangers(manager: EntityManager, userId: string, others: string[]): Promise<string[]> {
  if (others.length === 0) return [];
  const rows: { id: string }[] = await manager.query(
    `SELECT u.id FROM users u
      WHERE u.id = ANY($2::uuid[]) AND u.group_invites = 'contacts'
        AND NOT EXISTS (SELECT 1 FROM conversations c
                         WHERE c.type = 'direct' AND c.direct_user_low = LEAST(u.id, $1::uuid) AND c.direct_user_high = GREATEST(u.id, $1::uuid))`,
    [userId, others],
  );
  return rows.map((r) => r.id);
}
