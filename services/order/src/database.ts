import { createOrm, messagingEntities, type Logger } from '@commerce/shared';
import { entities } from './persistence/schemas.js';
import { migrations } from './migrations.js';

export function openDatabase(url: string, logger: Logger) {
  return createOrm({ url, entities: [...entities, ...messagingEntities], migrations, logger });
}
