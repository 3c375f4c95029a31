-- Commands for Baton. The plugin module is loaded on first use, not at startup.
if vim.g.loaded_baton then
  return
end
vim.g.loaded_baton = 1

local function command(name, fn, opts)
  vim.api.nvim_create_user_command(name, fn, opts)
end

-- With a range (`:'<,'>BatonRun …`), the lines go along as the run's context.
command('BatonRun', function(o)
  local baton = require('baton')
  local opts = nil
  if o.range > 0 then
    opts = { context = baton.lines_context(0, o.line1, o.line2) }
  end
  baton.run(o.args, opts)
end, { nargs = '+', range = true, desc = 'Baton: run an orchestration of {task}' })

command('BatonCancel', function()
  require('baton').cancel()
end, { nargs = 0, desc = 'Baton: cancel the run in flight' })

command('BatonComplete', function(o)
  require('baton').complete(o.args)
end, { nargs = '+', desc = 'Baton: one model call with {prompt}, streamed into a buffer' })

command('BatonStatus', function()
  require('baton').status()
end, { nargs = 0, desc = 'Baton: show the server status' })

command('BatonStop', function()
  require('baton').stop()
end, { nargs = 0, desc = 'Baton: shut the server down' })

-- Shut the server down with the editor. Baton also watches our pid, so a crash cannot leave it
-- running; this makes the normal case orderly (exit code 0).
vim.api.nvim_create_autocmd('VimLeavePre', {
  group = vim.api.nvim_create_augroup('baton', { clear = true }),
  callback = function()
    if package.loaded['baton'] then
      require('baton').stop({ wait = true })
    end
  end,
})
