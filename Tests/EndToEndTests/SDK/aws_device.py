"""A device written with the AWS IoT Device SDK v2 (awsiotsdk), against tedge-cloud-sim.

Usage: aws_device.py PORT DEVICE_ID CERT KEY CA
Connects (the SDK sends its metrics username), subscribes, publishes and prints `roundtrip <payload>`
when its own message comes back.
"""
import sys
import threading

from awscrt import mqtt
from awsiot import mqtt_connection_builder

port, device_id, cert, key, ca = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
received = threading.Event()
payloads = []


def on_message(topic, payload, **kwargs):
    payloads.append(payload.decode("utf-8"))
    received.set()


connection = mqtt_connection_builder.mtls_from_path(
    endpoint="localhost", port=int(port), cert_filepath=cert, pri_key_filepath=key, ca_filepath=ca,
    client_id=device_id, clean_session=True, keep_alive_secs=30)
connection.connect().result(20)
print("connected", flush=True)
topic = f"sdk/{device_id}/echo"
subscribed, _ = connection.subscribe(topic=topic, qos=mqtt.QoS.AT_LEAST_ONCE, callback=on_message)
subscribed.result(20)
published, _ = connection.publish(topic=topic, payload='{"hello":"aws"}', qos=mqtt.QoS.AT_LEAST_ONCE)
published.result(20)
if received.wait(20):
    print("roundtrip", payloads[0], flush=True)
else:
    print("no roundtrip", flush=True)
connection.disconnect().result(20)
