-- A te/ measurement to ThingsBoard's telemetry message: {"ts": <unix milliseconds>, "values": {…}}.
-- The timestamp is the measurement's own `time` (unix seconds) when it has one, else the time it was received;
-- every other field is a value, groups ({"location": {"latitude": …}}) kept as ThingsBoard's JSON values.
function onMessage(message, context)
    local measurement = json.decode(message.payload)
    if type(measurement) ~= "table" then
        error("a measurement is a JSON object, not " .. message.payload)
    end
    local seconds = message.time
    if type(measurement.time) == "number" then
        seconds = measurement.time
    end
    local values = {}
    for key, value in pairs(measurement) do
        if key ~= "time" then
            values[key] = value
        end
    end
    return { topic = message.topic, payload = json.encode({ ts = math.floor(seconds * 1000), values = values }) }
end
