/// The fourteen MQTT 3.1.1 control packet types, the high nibble of a packet's first byte (§2.2.1);
/// 0 and 15 are reserved.
public enum MQTTPacketType: UInt8, Sendable, CaseIterable {
    case connect = 1, connack, publish, puback, pubrec, pubrel, pubcomp, subscribe, suback
    case unsubscribe, unsuback, pingreq, pingresp, disconnect
}
