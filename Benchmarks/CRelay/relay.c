// The ceiling for a mapper: a zero-work relay over libmosquitto. It subscribes to one topic at
// QoS 1 with a persistent session and republishes every message unchanged at QoS 1.
// usage: c-relay PORT INPUT_TOPIC OUTPUT_TOPIC
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>

static const char *input_topic;
static const char *output_topic;

static void on_connect(struct mosquitto *mosq, void *userdata, int rc) {
    (void)userdata;
    if (rc == 0) mosquitto_subscribe(mosq, NULL, input_topic, 1);
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *message) {
    (void)userdata;
    mosquitto_publish(mosq, NULL, output_topic, message->payloadlen, message->payload, 1, false);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: c-relay PORT INPUT_TOPIC OUTPUT_TOPIC\n");
        return 2;
    }
    input_topic = argv[2];
    output_topic = argv[3];
    mosquitto_lib_init();
    struct mosquitto *mosq = mosquitto_new("c-relay", false, NULL);
    if (!mosq) return 1;
    mosquitto_max_inflight_messages_set(mosq, 100);
    mosquitto_connect_callback_set(mosq, on_connect);
    mosquitto_message_callback_set(mosq, on_message);
    if (mosquitto_connect(mosq, "localhost", atoi(argv[1]), 60) != MOSQ_ERR_SUCCESS) {
        fprintf(stderr, "c-relay: cannot connect to localhost:%s\n", argv[1]);
        return 1;
    }
    mosquitto_loop_forever(mosq, -1, 1);
    mosquitto_destroy(mosq);
    mosquitto_lib_cleanup();
    return 0;
}
