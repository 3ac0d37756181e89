-- Runs once per interpreter, after the libraries are loaded and before any
-- user code. Builds what Redis' patched Lua gets from readonly tables on a
-- stock Lua 5.1: user code sees globals through an empty proxy whose writes
-- fail, library tables are read-only proxies, and setmetatable/rawset refuse
-- protected tables. Receives the Rust primitives; returns the runners.
local raising_call, protected_call, stopped, handler, version, version_num = ...

local G = _G
local raw_rawset, raw_setmetatable, raw_getmetatable = rawset, setmetatable, getmetatable
local raw_pcall, raw_xpcall, raw_error, raw_type, raw_select, raw_unpack =
  pcall, xpcall, error, type, select, unpack
local raw_loadstring = loadstring
local maxn, concat = table.maxn, table.concat
local READONLY = 'Attempt to modify a readonly table'

-- Tables user code may not change (weak keys: proxies live as long as G).
local protected = raw_setmetatable({}, { __mode = 'k' })

local function refuse()
  raw_error(READONLY, 2)
end

-- A read-only view of `t`.
local function readonly(t)
  local proxy = {}
  local mt = { __index = t, __newindex = refuse }
  mt.__metatable = raw_setmetatable({}, { __index = mt, __newindex = refuse, __metatable = false })
  protected[mt.__metatable] = true
  raw_setmetatable(proxy, mt)
  protected[proxy] = true
  return proxy
end

-- redis.call raises the command's error as a table (as Redis does); pcall
-- hands it back as the value.
local redis = G.redis
-- A C function, so `return redis.call(...)` keeps the caller's frame (a
-- tail call into a Lua wrapper would lose the line errors report).
redis.call = raising_call
redis.pcall = protected_call
redis.REDIS_VERSION = version
redis.REDIS_VERSION_NUM = version_num

-- Redis' pcall: a Redis error table is caught as its message string, as
-- scripts written for Redis 6 expect.
G.pcall = function(f, ...)
  local r = { raw_pcall(f, ...) }
  if not r[1] then
    -- A killed script may not catch its own end.
    if stopped() then raw_error(r[2], 0) end
    if raw_type(r[2]) == 'table' and raw_type(r[2].err) == 'string' then
      r[2] = r[2].err
    end
  end
  return raw_unpack(r, 1, maxn(r))
end
G.xpcall = function(f, h)
  local r = { raw_xpcall(f, h) }
  if not r[1] and stopped() then raw_error(r[2], 0) end
  return raw_unpack(r, 1, maxn(r))
end

-- Bytecode cannot be verified by Lua 5.1: refused, as Redis does.
G.loadstring = function(s, name)
  if raw_type(s) == 'string' and s:byte(1) == 27 then
    return nil, 'binary chunks are not allowed'
  end
  return raw_loadstring(s, name)
end
G.load = function(reader, name)
  local parts = {}
  while true do
    local part = reader()
    if part == nil or part == '' then break end
    parts[#parts + 1] = part
  end
  return G.loadstring(concat(parts), name)
end
G.setmetatable = function(t, mt)
  if protected[t] then raw_error(READONLY, 0) end
  return raw_setmetatable(t, mt)
end
G.rawset = function(t, k, v)
  if protected[t] then raw_error(READONLY, 0) end
  return raw_rawset(t, k, v)
end
G.print, G.dofile, G.loadfile, G.require, G.module, G.debug = nil, nil, nil, nil, nil, nil

for _, name in ipairs({ 'redis', 'cjson', 'cmsgpack', 'bit', 'struct', 'string', 'math', 'table', 'coroutine' }) do
  if G[name] then G[name] = readonly(G[name]) end
end

-- Reading an undeclared global is an error (Redis' luaSetErrorMetatable).
raw_setmetatable(G, {
  __index = function(_, name)
    raw_error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
  end,
  __newindex = refuse,
})

-- The globals user code sees: an empty table reading through to G.
local env = {}
local env_mt = { __index = G, __newindex = refuse }
env_mt.__metatable = raw_setmetatable({}, { __index = env_mt, __newindex = refuse, __metatable = false })
protected[env_mt.__metatable] = true
raw_setmetatable(env, env_mt)
protected[env] = true
raw_rawset(G, '_G', env)

-- EVAL: KEYS and ARGV are globals.
local function run_eval(f, keys, argv)
  raw_rawset(env, 'KEYS', keys)
  raw_rawset(env, 'ARGV', argv)
  return raw_xpcall(f, handler)
end

-- FCALL: they are the callback's arguments.
local function run_function(f, keys, argv)
  return raw_xpcall(function() return f(keys, argv) end, handler)
end

-- FUNCTION LOAD runs the library's code against `api` (only what a library
-- may use while loading), then user code reads G again.
local function with_index(index, f)
  env_mt.__index = index
  local ok, err = raw_xpcall(f, handler)
  env_mt.__index = G
  return ok, err
end

local function readonly_api(t)
  raw_setmetatable(t, getmetatable(G))
  return readonly(t)
end

return env, run_eval, run_function, with_index, readonly_api
