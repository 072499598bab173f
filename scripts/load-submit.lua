-- wrk script: invented patients answer and submit the demo survey over HTTP, as a browser does.
--
--   wrk --latency -t 8 -c 8 -d 15s -s scripts/load-submit.lua http://127.0.0.1:PORT -- LINKS 8
--
-- LINKS is the file of personal links printed by `vecu serve --demo N` (one per line); the last
-- argument is the number of threads, which must equal the number of connections: wrk runs one Lua
-- state per thread, shared by its connections, so one connection per thread is what lets each
-- connection follow its own patient. Thread i takes the links i, i + threads, i + 2 * threads...;
-- every link is used once (a submitted link is spent), so N must exceed the submissions made.
--
-- One flow, one patient: GET /s/TOKEN (welcome), POST /s/TOKEN/start (session cookie), then for
-- every page the redirect leads to: GET /q/N and POST /q/N with the items the page shows and an
-- answer to its required questions only, then GET /q/review and POST /q/submit (thank-you page).
-- wrk's own figures (requests/s, latency percentiles) cover every request of the flows; done()
-- adds the submissions (completed flows) per second, the latency of POST /q/submit alone and the
-- duration of a whole flow, measured here with a monotonic clock.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } vecu_timespec;
int clock_gettime(int clock, vecu_timespec *now);
]]
local clock = ffi.new("vecu_timespec")
local CLOCK_MONOTONIC = 1

local function now_us()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
    return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

-- Answers to the required questions of surveys/scape-cancer.json (the demo survey); everything
-- else is left blank. "none_yet" and "no" also skip the treatment questions and the ward page.
local answers = {
    treatment_types = "none_yet",
    stayed_overnight = "no",
    overall_rating = "8",
}

-- Main state: number the threads, keep them for done().
local threads = {}

function setup(thread)
    thread:set("id", #threads)
    table.insert(threads, thread)
end

-- Thread state.
local tokens = {}
local next_token = 1
local flow = {}          -- the patient in progress: token, cookie, started, requests
local pending            -- the request to send: { kind, method, path, body }
local sent_at = 0
local sent, received = 0, 0  -- requests asked for, responses seen

completed = 0            -- globals are read back by done()
completed_requests = 0
failed = {}              -- "kind status" -> count
overlaps = 0
exhausted = false
submit_us = {}
flow_us = {}

local function encode(text)
    return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local function header(headers, name)
    for key, value in pairs(headers) do
        if key:lower() == name then return value end
    end
end

local function start_flow()
    local token = tokens[next_token]
    if not token then
        exhausted = true
        wrk.thread:stop()
        pending = { kind = "idle", method = "GET", path = "/health" }
        return
    end
    next_token = next_token + 1
    flow = { token = token, requests = 0 }
    pending = { kind = "welcome", method = "GET", path = "/s/" .. token }
end

local function fail(kind, status)
    local key = kind .. " " .. status
    failed[key] = (failed[key] or 0) + 1
    start_flow()
end

function init(args)
    local file, count = args[1], tonumber(args[2])
    assert(file and count, "usage: wrk -t N -c N ... -s load-submit.lua URL -- LINKS N")
    assert(id < count, "more threads than the count given after --")
    local index = 0
    for line in io.lines(file) do
        local token = line:match("/s/([%w%-_]+)")
        if token then
            if index % count == id then table.insert(tokens, token) end
            index = index + 1
        end
    end
    start_flow()
end

-- wrk calls request() once more before the run, to check it (thread 0): it changes no flow here.
function request()
    local headers = {}
    if flow.cookie then headers["Cookie"] = flow.cookie end
    if pending.body then headers["Content-Type"] = "application/x-www-form-urlencoded" end
    sent = sent + 1
    if sent - received > 2 then overlaps = overlaps + 1 end
    sent_at = now_us()
    if pending.kind == "welcome" then flow.started = sent_at end
    return wrk.format(pending.method, pending.path, headers, pending.body)
end

function response(status, headers, body)
    received = received + 1
    local kind = pending.kind
    if kind == "idle" then return end
    flow.requests = flow.requests + 1
    if kind == "welcome" then
        local csrf = status == 200 and body:match('name="csrf" value="([^"]+)"')
        if not csrf then return fail(kind, status) end
        pending = { kind = "start", method = "POST", path = "/s/" .. flow.token .. "/start",
                    body = "csrf=" .. encode(csrf) }
    elseif kind == "start" or kind == "save" then
        local location = status == 303 and header(headers, "location")
        if kind == "start" then
            flow.cookie = (header(headers, "set-cookie") or ""):match("^(vecu_session=[^;]+)")
            if not flow.cookie then return fail(kind, status) end
        end
        if not location then return fail(kind, status) end
        pending = { kind = "page", method = "GET", path = location }
    elseif kind == "page" then
        local csrf = status == 200 and body:match('name="csrf" value="([^"]+)"')
        if not csrf then return fail(kind, status) end
        if pending.path == "/q/review" then
            pending = { kind = "submit", method = "POST", path = "/q/submit",
                        body = "csrf=" .. encode(csrf) }
        else
            local fields = { "csrf=" .. encode(csrf) }
            for item in body:gmatch('name="shown" value="([^"]+)"') do
                table.insert(fields, "shown=" .. encode(item))
                if answers[item] then
                    table.insert(fields, encode(item) .. "=" .. encode(answers[item]))
                end
            end
            table.insert(fields, "action=next")
            pending = { kind = "save", method = "POST", path = pending.path,
                        body = table.concat(fields, "&") }
        end
    elseif kind == "submit" then
        -- The thank-you page ends the session: its cookie is removed.
        local ended = (header(headers, "set-cookie") or ""):match("^vecu_session=;")
        if status ~= 200 or not ended then return fail(kind, status) end
        local now = now_us()
        completed = completed + 1
        completed_requests = completed_requests + flow.requests
        table.insert(submit_us, now - sent_at)
        table.insert(flow_us, now - flow.started)
        start_flow()
    end
end

local function percentile(sorted, p)
    if #sorted == 0 then return 0 end
    return sorted[math.max(1, math.ceil(p / 100 * #sorted))]
end

local function ms(us)
    return string.format("%.2fms", us / 1000)
end

function done(summary, latency, requests)
    local total, per_flow, submits, flows, failures = 0, 0, {}, {}, {}
    local overlap, ran_out = 0, false
    for _, thread in ipairs(threads) do
        total = total + thread:get("completed")
        per_flow = per_flow + thread:get("completed_requests")
        for _, v in ipairs(thread:get("submit_us")) do table.insert(submits, v) end
        for _, v in ipairs(thread:get("flow_us")) do table.insert(flows, v) end
        for key, n in pairs(thread:get("failed")) do failures[key] = (failures[key] or 0) + n end
        overlap = overlap + thread:get("overlaps")
        ran_out = ran_out or thread:get("exhausted")
    end
    table.sort(submits)
    table.sort(flows)
    local seconds = summary.duration / 1000000
    io.write(string.format("Submissions: %d in %.1fs, %.1f/s (%.1f requests per flow)\n",
        total, seconds, total / seconds, total > 0 and per_flow / total or 0))
    io.write(string.format("Submit request alone (POST /q/submit): p50 %s, p99 %s, max %s\n",
        ms(percentile(submits, 50)), ms(percentile(submits, 99)), ms(percentile(submits, 100))))
    io.write(string.format("Whole flow (welcome to thank-you): p50 %s, p99 %s\n",
        ms(percentile(flows, 50)), ms(percentile(flows, 99))))
    for key, n in pairs(failures) do
        io.write(string.format("Failed flows: %d at %s\n", n, key))
    end
    if overlap > 0 then
        io.write(string.format("WARNING: %d requests sent before the previous response came back: "
            .. "use as many threads as connections (-t N -c N)\n", overlap))
    end
    if ran_out then
        io.write("WARNING: a thread ran out of links and stopped early: figures are too low; "
            .. "start the demo with more patients\n")
    end
end
