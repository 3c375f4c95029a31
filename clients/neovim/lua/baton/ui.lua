-- What the user sees: progress in the echo area, messages, and scratch buffers with results.
-- Nothing here talks to the server.

local M = {}

local levels = vim.log.levels

--- The default notifier. Progress lines are echoed without entering :messages history (they
--- replace each other, like a status line); everything else goes through vim.notify.
function M.default_notify(msg, level, opts)
  level = level or levels.INFO
  if opts and opts.progress and level <= levels.INFO then
    -- Echo the first line only: a multi-line echo would raise a hit-enter prompt.
    local line = msg:gsub('\n.*', '')
    local width = vim.o.columns - 12
    if width > 10 and #line > width then
      line = line:sub(1, width - 1) .. '…'
    end
    vim.api.nvim_echo({ { line } }, false, {})
    return
  end
  vim.notify(msg, level, { title = 'Baton' })
end

--- A scratch buffer (not a file, never asks to be saved) shown in a new window.
---@param name string  buffer name, made unique if taken
---@param open string  Ex command that opens the window (`botright split`, `tabnew`, …) or '' for none
function M.open_scratch(name, open)
  local buf = vim.api.nvim_create_buf(true, true) -- listed, scratch: buftype=nofile, noswapfile
  vim.bo[buf].bufhidden = 'hide'
  vim.bo[buf].filetype = 'markdown'
  local unique, n = name, 1
  while vim.fn.bufexists(unique) == 1 do
    n = n + 1
    unique = name .. ' (' .. n .. ')'
  end
  pcall(vim.api.nvim_buf_set_name, buf, unique)
  if open and open ~= '' then
    vim.cmd(open)
    vim.api.nvim_win_set_buf(0, buf)
    local win = vim.api.nvim_get_current_win()
    vim.wo[win].wrap = true
    vim.wo[win].linebreak = true
  end
  return buf
end

--- Appends streamed text at the end of the buffer, continuing its last line.
function M.append_text(buf, text)
  if not vim.api.nvim_buf_is_valid(buf) or text == nil or text == '' then
    return
  end
  local last = vim.api.nvim_buf_line_count(buf) - 1
  local tail = vim.api.nvim_buf_get_lines(buf, last, last + 1, false)[1] or ''
  local lines = vim.split(tail .. text, '\n', { plain = true })
  vim.api.nvim_buf_set_lines(buf, last, last + 1, false, lines)
end

--- Replaces the whole buffer with `text` (may hold newlines) followed by `footer` lines.
function M.set_content(buf, text, footer)
  if not vim.api.nvim_buf_is_valid(buf) then
    return
  end
  local lines = vim.split(text or '', '\n', { plain = true })
  if footer and #footer > 0 then
    table.insert(lines, '')
    table.insert(lines, '---')
    vim.list_extend(lines, footer)
  end
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
end

-- Numbers from JSON may be floats; show integers without ".0".
local function int(n)
  return string.format('%d', math.floor((tonumber(n) or 0) + 0.5))
end
M.int = int

function M.format_usage(usage)
  if type(usage) ~= 'table' then
    return nil
  end
  local input, output = tonumber(usage.inputTokens) or 0, tonumber(usage.outputTokens) or 0
  return string.format('tokens %s in + %s out', int(input), int(output))
end

function M.format_cost(cost)
  cost = tonumber(cost)
  if not cost then
    return nil
  end
  return string.format('cost $%.4f', cost)
end

return M
