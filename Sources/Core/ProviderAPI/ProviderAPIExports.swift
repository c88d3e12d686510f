// A provider imports this module alone: the message vocabulary, Thin Edge JSON and the `te/` topics come with it.

@_exported import TedgeMessaging
@_exported import TedgeThinEdgeJSON
@_exported import TedgeTopics
