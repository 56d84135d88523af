"""Django's Redis cache, keeping one client per connection pool instead of building one per call.

Django's `RedisCacheClient.get_client()` constructs a new `redis.Redis` for every cache operation; its constructor
builds the command-callback table each time (about 170 dictionary writes). The session of every signed-in request is
read through this cache, so each page paid for it. A `redis.Redis` is safe to share between threads (it takes a
connection from its pool per command), and the pool itself notices a fork, so one client per pool is enough."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
