// The packet codec lives in its own module, shared with the simulator; the session's users see it as before.
@_exported import TedgeMQTTCodec
