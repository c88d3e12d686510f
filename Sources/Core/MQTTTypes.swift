import Mosquitto

// Core's public API speaks these MQTT types; providers use them without importing the wrapper module.
public typealias MQTTMessage = Mosquitto.MQTTMessage
public typealias MQTTQoS = Mosquitto.MQTTQoS
public typealias MQTTClient = Mosquitto.MQTTClient
public typealias MQTTError = Mosquitto.MQTTError
