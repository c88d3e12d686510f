"""A device on Azure's MQTT API without the SDK's guard rails (paho, as the SDK uses it), to check
that the simulator enforces IoT Hub's per-device topic rules.

Usage: azure_raw_device.py PORT DEVICE_ID CERT KEY CA TOPIC_FILTER
Prints `subscribed` when the SUBACK arrives or `closed` when the connection is closed first.
"""
import ssl
import sys
import threading

import paho.mqtt.client as paho

port, device_id, cert, key, ca, topic = sys.argv[1:7]
done = threading.Event()
outcome = []


def on_connect(client, userdata, flags, rc):
    if rc != 0:
        outcome.append(f"refused {rc}")
        done.set()
        return
    client.subscribe(topic, qos=1)


def on_subscribe(client, userdata, mid, granted):
    outcome.append("subscribed")
    done.set()


def on_disconnect(client, userdata, rc):
    outcome.append("closed")
    done.set()


client = paho.Client(client_id=device_id, protocol=paho.MQTTv311)
client.username_pw_set(f"localhost/{device_id}/?api-version=2021-04-12&DeviceClientType=raw-test")
client.tls_set(ca_certs=ca, certfile=cert, keyfile=key, tls_version=ssl.PROTOCOL_TLS_CLIENT)
client.on_connect = on_connect
client.on_subscribe = on_subscribe
client.on_disconnect = on_disconnect
client.connect("localhost", int(port))
client.loop_start()
done.wait(20)
print(outcome[0] if outcome else "timeout", flush=True)
client.loop_stop()
