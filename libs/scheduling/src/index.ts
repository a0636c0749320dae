export { createRedisConnection, pingRedis } from './redis/redis-connection';
export type { RedisRole } from './redis/redis-connection';
export { REDIS, RedisModule } from './redis/redis.module';
