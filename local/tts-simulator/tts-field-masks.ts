/**
 * The field mask paths TTS accepts per RPC (lorawan-stack `pkg/ttnpb/field_mask_validation.go`,
 * `RPCFieldMaskPaths[…].Allowed`, v3.32.1; the pub/sub's from `applicationserver_pubsub.pb.paths.fm.go`).
 * A path outside these is TTS's `field_mask_paths` error. The Network Server's `mac_settings`,
 * `mac_state`, `pending_mac_state`, `session` and `pending_session` are given as `<field>.*` (any path
 * below) instead of their several hundred paths. Kept as one string per list: data, not code.
 */

function paths(list: string): ReadonlySet<string> {
  return new Set(list.split(" "));
}

/** `EndDeviceRegistry/Get`. */
export const IS_GET_PATHS: ReadonlySet<string> = paths(
  "activated_at application_server_address attributes created_at claim_authentication_code claim_authentication_code.value claim_authentication_code.valid_to claim_authentication_code.valid_from description ids ids.application_ids ids.application_ids.application_id ids.dev_eui ids.device_id ids.join_eui join_server_address locations name network_server_address serial_number service_profile_id lora_alliance_profile_ids lora_alliance_profile_ids.vendor_id lora_alliance_profile_ids.vendor_profile_id updated_at version_ids version_ids.band_id version_ids.brand_id version_ids.firmware_version version_ids.hardware_version version_ids.model_id picture last_seen_at",
);

/** `JsEndDeviceRegistry/Get`. */
export const JS_GET_PATHS: ReadonlySet<string> = paths(
  "application_server_address application_server_id application_server_kek_label claim_authentication_code claim_authentication_code.value claim_authentication_code.valid_to claim_authentication_code.valid_from ids ids.application_ids ids.application_ids.application_id ids.dev_addr ids.dev_eui ids.device_id ids.join_eui last_dev_nonce last_join_nonce last_rj_count_0 last_rj_count_1 net_id network_server_address network_server_kek_label provisioner_id provisioning_data resets_join_nonces root_keys root_keys.app_key root_keys.app_key.key root_keys.nwk_key root_keys.nwk_key.key root_keys.root_key_id used_dev_nonces",
);

/** `JsEndDeviceRegistry/Set`. */
export const JS_SET_PATHS: ReadonlySet<string> = paths(
  "application_server_address application_server_id application_server_kek_label claim_authentication_code claim_authentication_code.value claim_authentication_code.valid_to claim_authentication_code.valid_from ids ids.application_ids ids.application_ids.application_id ids.dev_eui ids.device_id ids.join_eui last_dev_nonce last_join_nonce last_rj_count_0 last_rj_count_1 net_id network_server_address network_server_kek_label provisioner_id provisioning_data resets_join_nonces root_keys root_keys.app_key root_keys.app_key.key root_keys.nwk_key root_keys.nwk_key.key root_keys.root_key_id used_dev_nonces",
);

/** `NsEndDeviceRegistry/Get`. */
export const NS_GET_PATHS: ReadonlySet<string> = paths(
  "battery_percentage created_at downlink_margin frequency_plan_id ids ids.application_ids ids.application_ids.application_id ids.dev_addr ids.dev_eui ids.device_id ids.join_eui last_dev_status_received_at lorawan_phy_version lorawan_version mac_settings mac_settings.* mac_state mac_state.* max_frequency min_frequency multicast pending_mac_state pending_mac_state.* pending_session pending_session.* power_state session session.* supports_class_b supports_class_c supports_join updated_at version_ids version_ids.band_id version_ids.brand_id version_ids.firmware_version version_ids.hardware_version version_ids.model_id",
);

/** `NsEndDeviceRegistry/Set`. */
export const NS_SET_PATHS: ReadonlySet<string> = paths(
  "battery_percentage downlink_margin frequency_plan_id ids ids.application_ids ids.application_ids.application_id ids.dev_eui ids.device_id ids.join_eui last_dev_status_received_at lorawan_phy_version lorawan_version mac_settings mac_settings.* mac_state mac_state.* max_frequency min_frequency multicast pending_mac_state pending_mac_state.* pending_session pending_session.* serial_number session session.* supports_class_b supports_class_c supports_join lora_alliance_profile_ids lora_alliance_profile_ids.vendor_id lora_alliance_profile_ids.vendor_profile_id version_ids version_ids.band_id version_ids.brand_id version_ids.firmware_version version_ids.hardware_version version_ids.model_id",
);

/** `AsEndDeviceRegistry/Get`. */
export const AS_GET_PATHS: ReadonlySet<string> = paths(
  "formatters formatters.down_formatter formatters.down_formatter_parameter formatters.up_formatter formatters.up_formatter_parameter ids ids.application_ids ids.application_ids.application_id ids.dev_addr ids.dev_eui ids.device_id ids.join_eui pending_session pending_session.dev_addr pending_session.keys pending_session.keys.app_s_key pending_session.keys.app_s_key.key pending_session.keys.session_key_id pending_session.last_a_f_cnt_down serial_number session session.dev_addr session.keys session.keys.app_s_key session.keys.app_s_key.key session.keys.session_key_id session.last_a_f_cnt_down skip_payload_crypto skip_payload_crypto_override lora_alliance_profile_ids lora_alliance_profile_ids.vendor_id lora_alliance_profile_ids.vendor_profile_id version_ids version_ids.band_id version_ids.brand_id version_ids.firmware_version version_ids.hardware_version version_ids.model_id",
);

/** `AsEndDeviceRegistry/Set`. */
export const AS_SET_PATHS: ReadonlySet<string> = paths(
  "formatters formatters.down_formatter formatters.down_formatter_parameter formatters.up_formatter formatters.up_formatter_parameter ids ids.application_ids ids.application_ids.application_id ids.dev_eui ids.device_id ids.join_eui serial_number session.dev_addr session.keys.app_s_key session.keys.app_s_key.key session.keys.session_key_id session.last_a_f_cnt_down skip_payload_crypto skip_payload_crypto_override lora_alliance_profile_ids lora_alliance_profile_ids.vendor_id lora_alliance_profile_ids.vendor_profile_id version_ids version_ids.band_id version_ids.brand_id version_ids.firmware_version version_ids.hardware_version version_ids.model_id",
);

/** `ApplicationPubSubRegistry/Get`, `/List` and `/Set`. */
export const PUBSUB_PATHS: ReadonlySet<string> = paths(
  "base_topic created_at downlink_ack downlink_ack.topic downlink_failed downlink_failed.topic downlink_nack downlink_nack.topic downlink_push downlink_push.topic downlink_queue_invalidated downlink_queue_invalidated.topic downlink_queued downlink_queued.topic downlink_replace downlink_replace.topic downlink_sent downlink_sent.topic format ids ids.application_ids ids.application_ids.application_id ids.pub_sub_id join_accept join_accept.topic location_solved location_solved.topic provider provider.aws_iot provider.aws_iot.access_key provider.aws_iot.access_key.access_key_id provider.aws_iot.access_key.secret_access_key provider.aws_iot.access_key.session_token provider.aws_iot.assume_role provider.aws_iot.assume_role.arn provider.aws_iot.assume_role.external_id provider.aws_iot.assume_role.session_duration provider.aws_iot.deployment provider.aws_iot.deployment.default provider.aws_iot.deployment.default.stack_name provider.aws_iot.endpoint_address provider.aws_iot.region provider.mqtt provider.mqtt.client_id provider.mqtt.headers provider.mqtt.password provider.mqtt.publish_qos provider.mqtt.server_url provider.mqtt.subscribe_qos provider.mqtt.tls_ca provider.mqtt.tls_client_cert provider.mqtt.tls_client_key provider.mqtt.use_tls provider.mqtt.username provider.nats provider.nats.server_url service_data service_data.topic updated_at uplink_message uplink_message.topic uplink_normalized uplink_normalized.topic",
);
