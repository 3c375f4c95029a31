-- One `baton serve` process and the JSON-RPC conversation with it.
--
-- Built on Neovim's own LSP transport (vim.lsp.rpc), which speaks Content-Length framing; Baton
-- answers in whatever framing the client uses. This module knows the lifecycle (initialize before
-- anything else, shutdown + exit at the end) and papers over the differences between Neovim 0.7
-- and 0.10+; it knows nothing about runs or buffers.

local M = {}

-- Error codes this module hands to callbacks (the JSON-RPC ones come from the server; their values
-- come from protocol/schema.json through the generated baton.protocol).
local protocol = require('baton.protocol')
M.codes = protocol.codes
M.CANCELLED = protocol.codes.RequestCancelled -- LSP
M.METHOD_NOT_FOUND = protocol.codes.MethodNotFound
M.EXITED = -32099 -- our own: the process ended before the reply came

local Client = {}
Client.__index = Client

-- vim.lsp.rpc.start changed shape in 0.10: `start(cmd, args, dispatchers, extra)` before,
-- `start(cmd_list, dispatchers, extra)` since. 0.7 returns nil (and warns) when the spawn fails,
-- 0.10 throws, so both are turned into `nil, message`.
local function start_rpc(cmd, dispatchers, extra)
  local ok, rpc
  if vim.fn.has('nvim-0.10') == 1 then
    ok, rpc = pcall(vim.lsp.rpc.start, cmd, dispatchers, extra)
  else
    ok, rpc = pcall(vim.lsp.rpc.start, cmd[1], vim.list_slice(cmd, 2), dispatchers, extra)
  end
  if not ok then
    return nil, tostring(rpc)
  end
  if not rpc then
    return nil, 'could not start ' .. table.concat(cmd, ' ')
  end
  return rpc
end

--- Starts the process and sends `initialize`. Requests made before the server has answered
--- `initialize` are queued, because Baton refuses everything before it (-32002).
---
--- opts:
---   cmd          list: the command line (`{'baton', 'serve', ...}`)
---   env          table|nil: extra environment variables
---   on_notification(method, params)
---   on_request(method, params) -> result, err    (server-to-client requests such as plan/approve)
---   on_exit(code, signal, expected, failed)       expected: after shutdown; failed: requests that
---                                                 were still waiting (they got an error)
---   on_ready(init_result)                         once `initialize` succeeded
---   on_init_error(err)                            when `initialize` failed
---@return table|nil client, string|nil error
function M.start(opts)
  local self = setmetatable({
    opts = opts,
    ready = false, -- `initialize` answered
    closing = false, -- shutdown sent or stop() called: an exit is expected
    exited = false,
    exit_code = nil,
    queue = {}, -- requests waiting for `initialize`
    pending = {}, -- id -> request handle, until its reply (or the process exit)
    capabilities = nil, -- from the initialize result
  }, Client)

  local rpc, err = start_rpc(opts.cmd, {
    notification = function(method, params)
      if opts.on_notification then
        opts.on_notification(method, params)
      end
    end,
    server_request = function(method, params)
      if opts.on_request then
        return opts.on_request(method, params)
      end
      return nil, vim.lsp.rpc.rpc_response_error(M.METHOD_NOT_FOUND, 'unknown method: ' .. method)
    end,
    -- Runs in a libuv callback on 0.7 (not scheduled), so it only defers to the main loop.
    on_exit = function(code, signal)
      vim.schedule(function()
        self:_on_exit(code, signal)
      end)
    end,
    on_error = function(kind, detail)
      -- Transport-level trouble (unparsable JSON, a reply for an unknown id): worth a line in
      -- the LSP log, never worth interrupting the user for.
      require('vim.lsp.log').warn('baton rpc error', kind, detail)
    end,
  }, opts.env and { env = opts.env } or nil)
  if not rpc then
    return nil, err
  end
  self.rpc = rpc
  self.pid = rpc.pid

  self:_send('initialize', {
    processId = vim.fn.getpid(), -- Baton exits on its own when this Neovim dies
    clientInfo = { name = 'baton.nvim', version = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) },
    capabilities = { window = { workDoneProgress = true } },
  }, function(init_err, result)
    if init_err then
      -- Queued requests report the failure themselves; with none, someone must.
      if #self.queue == 0 and opts.on_init_error then
        opts.on_init_error(init_err)
      end
      self:_fail_queue(init_err)
      return
    end
    self.ready = true
    self.capabilities = (result and result.capabilities) or {}
    self.server_info = result and result.serverInfo
    self.rpc.notify('initialized', vim.empty_dict())
    if opts.on_ready then
      opts.on_ready(result)
    end
    local queue = self.queue
    self.queue = {}
    for _, req in ipairs(queue) do
      if not req.done then
        self:_send_handle(req)
      end
    end
  end)
  return self
end

--- True when the server lists `method` among its capabilities (unknown before `initialize`).
function Client:supports(method)
  local methods = self.capabilities and self.capabilities.methods
  if type(methods) ~= 'table' then
    return false
  end
  return vim.tbl_contains(methods, method)
end

function Client:is_alive()
  return not self.exited and not self.closing
end

-- Sends one request now. Neovim's transport swallows -32800 replies (it drops the callback), so
-- the "reply arrived" hook is used to notice them: it is scheduled before the result callback,
-- and a second vim.schedule from it runs after, so a reply that never reached the callback was
-- a cancellation.
function Client:_send_handle(req)
  local function finish(err, result)
    if req.done then
      return
    end
    req.done = true
    if req.id then
      self.pending[req.id] = nil
    end
    req.callback(err, result)
  end
  local ok, id = self.rpc.request(req.method, req.params, finish, function()
    vim.schedule(function()
      finish({ code = M.CANCELLED, message = 'request cancelled' }, nil)
    end)
  end)
  if not ok then
    req.done = true
    vim.schedule(function()
      req.callback({ code = M.EXITED, message = 'baton is not running' }, nil)
    end)
    return
  end
  req.id = id
  self.pending[id] = req
  if req.on_sent then
    req.on_sent(id)
  end
end

-- Builds a request handle; `initialize` itself bypasses the queue.
function Client:_send(method, params, callback)
  local req = { method = method, params = params, callback = callback }
  self:_send_handle(req)
  return req
end

--- Sends a request (queued until `initialize` is answered). Returns a handle for cancel();
--- `handle.id` is the JSON-RPC id once sent. `on_sent(id)` is optional.
function Client:request(method, params, callback, on_sent)
  local req = { method = method, params = params or vim.empty_dict(), callback = callback, on_sent = on_sent }
  if self.exited then
    req.done = true
    vim.schedule(function()
      callback({ code = M.EXITED, message = 'baton is not running' }, nil)
    end)
  elseif self.ready then
    self:_send_handle(req)
  else
    table.insert(self.queue, req)
  end
  return req
end

function Client:notify(method, params)
  if self.exited then
    return false
  end
  return self.rpc.notify(method, params or vim.empty_dict())
end

--- Cancels a request: a queued one never goes out; a sent one gets `$/cancelRequest`, and its
--- callback then sees -32800 (from Baton, or from us if the reply never comes).
function Client:cancel(req)
  if not req or req.done then
    return
  end
  if not req.id then
    req.done = true
    vim.schedule(function()
      req.callback({ code = M.CANCELLED, message = 'request cancelled' }, nil)
    end)
    return
  end
  self:notify('$/cancelRequest', { id = req.id })
end

--- Orderly shutdown: `shutdown`, then `exit` once it is answered (or after `timeout_ms`).
--- Blocks up to `timeout_ms` when `wait` is true (needed on VimLeavePre, where nothing runs later).
function Client:shutdown(timeout_ms, wait)
  if self.exited or self.closing then
    return
  end
  self.closing = true
  timeout_ms = timeout_ms or 2000
  local answered = false
  local function send_exit()
    if not self.exited then
      self.rpc.notify('exit', vim.NIL)
    end
  end
  if self.ready then
    self:_send_handle({
      method = 'shutdown',
      params = vim.NIL,
      callback = function()
        answered = true
        send_exit()
      end,
    })
  else
    answered = true
    send_exit() -- not initialized yet: exit (code 1) is all it accepts
  end
  if wait then
    vim.wait(timeout_ms, function()
      return answered
    end, 10)
    if not answered then
      send_exit()
    end
    vim.wait(timeout_ms, function()
      return self.exited
    end, 10)
  else
    vim.defer_fn(function()
      if not answered then
        send_exit()
      end
    end, timeout_ms)
  end
end

function Client:_fail_queue(err)
  local queue = self.queue
  self.queue = {}
  for _, req in ipairs(queue) do
    if not req.done then
      req.done = true
      req.callback(err, nil)
    end
  end
end

function Client:_on_exit(code, signal)
  self.exited = true
  self.exit_code = code
  local expected = self.closing
  local err = {
    code = M.EXITED,
    message = string.format('baton exited (code %s%s)', tostring(code), (signal and signal ~= 0) and (', signal ' .. signal) or ''),
  }
  -- Every request still waiting gets its one answer.
  local failed = #self.queue
  for id, req in pairs(self.pending) do
    self.pending[id] = nil
    if not req.done then
      req.done = true
      failed = failed + 1
      req.callback(err, nil)
    end
  end
  self:_fail_queue(err)
  if self.opts.on_exit then
    self.opts.on_exit(code, signal, expected, failed)
  end
end

return M
