// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto


/**
 * No fields.
 */
export interface PreStartContainerResponse {
}

/**
 * No fields.
 */
export interface PreStartContainerResponse__Output {
}
