// Original file: proto/kubelet/deviceplugin/v1beta1/device_plugin.proto


/**
 * No fields.
 */
export interface Empty {
}

/**
 * No fields.
 */
export interface Empty__Output {
}
