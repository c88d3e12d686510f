// A provider imports this module alone: the message vocabulary and Thin Edge JSON come with it.

@_exported import TedgeMessaging
@_exported import TedgeThinEdgeJSON
