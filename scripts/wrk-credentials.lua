-- wrk script for scripts/crosscheck-wrk.sh: every request carries the next credential of the pool, as the
-- AuthBench engine does (request i uses user i mod N). The pool is a file with one header line per user,
-- e.g. "Cookie: __Host-sid=..." or "Authorization: Bearer ...", named by the environment variable AUTHBENCH_CREDENTIALS.
local requests = {}
local counter = 0

function init(args)
   local path = os.getenv("AUTHBENCH_CREDENTIALS")
   local endpoint = os.getenv("AUTHBENCH_ENDPOINT") or "/api/me"
   local file = assert(io.open(path, "r"), "cannot open " .. tostring(path))
   for line in file:lines() do
      local name, value = line:match("^([^:]+):%s*(.*)$")
      if name then
         requests[#requests + 1] = wrk.format("GET", endpoint, { [name] = value })
      end
   end
   file:close()
   assert(#requests > 0, "no credentials in " .. path)
   -- Each wrk thread starts at a different place in the pool.
   counter = math.random(#requests) - 1
end

function request()
   counter = counter + 1
   return requests[(counter % #requests) + 1]
end
