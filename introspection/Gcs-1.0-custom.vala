/* Gcs-1.0-custom.vala: the callback delegates of gchanstream-1.0.vapi,
 * with the const C types vapigen's metadata cannot give (see
 * Gcs-1.0.metadata). Keep in step with the typedefs of gcs-stream.h,
 * gcs-stream-events.h, gcs-stream-operators.h, gcs-receiver.h and
 * gcs-binding.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

namespace Gcs {
	[CCode (cheader_filename = "gchanstream/gchanstream.h", instance_pos = 2.9)]
	public delegate void MapFunc ([CCode (type = "const GValue*")] GLib.Value item, out GLib.Value result) throws GLib.Error;
	[CCode (cheader_filename = "gchanstream/gchanstream.h", instance_pos = 3.9)]
	public delegate void FoldFunc ([CCode (type = "const GValue*")] GLib.Value accumulator, [CCode (type = "const GValue*")] GLib.Value item, out GLib.Value result) throws GLib.Error;
	[CCode (cheader_filename = "gchanstream/gchanstream.h", instance_pos = 1.9)]
	public delegate bool PredicateFunc ([CCode (type = "const GValue*")] GLib.Value item) throws GLib.Error;
	[CCode (cheader_filename = "gchanstream/gchanstream.h", instance_pos = 1.9)]
	public delegate void VisitFunc ([CCode (type = "const GValue*")] GLib.Value item) throws GLib.Error;
	[CCode (cheader_filename = "gchanstream/gchanstream.h", instance_pos = 1.9)]
	public delegate Gcs.Stream? FlatMapFunc ([CCode (type = "const GValue*")] GLib.Value item) throws GLib.Error;
	[CCode (cheader_filename = "gchanstream/gchanstream.h", instance_pos = 2.9)]
	public delegate Gcs.Stream? SwitchMapFunc ([CCode (type = "const GValue*")] GLib.Value item, GLib.Cancellable? cancellable) throws GLib.Error;
	[CCode (cheader_filename = "gchanstream/gchanstream.h", instance_pos = 1.9)]
	public delegate Gcs.Stream? CatchFunc ([CCode (type = "const GError*")] GLib.Error error) throws GLib.Error;
	[CCode (cheader_filename = "gchanstream/gchanstream.h", instance_pos = 1.9)]
	public delegate void EndFunc ([CCode (type = "const GError*")] GLib.Error? error);
	[CCode (cheader_filename = "gchanstream/gchanstream.h", instance_pos = 2.9)]
	public delegate bool ReceiverFunc (Gcs.Receiver receiver, [CCode (type = "const GValue*")] GLib.Value? value);
	[CCode (cheader_filename = "gchanstream/gchanstream.h", instance_pos = 1.9)]
	public delegate void BindingMapFunc ([CCode (type = "const GValue*")] GLib.Value item) throws GLib.Error;
	[CCode (cheader_filename = "gchanstream/gchanstream.h", instance_pos = 2.9)]
	public delegate void BindingFoldFunc ([CCode (type = "const GValue*")] GLib.Value accumulator, [CCode (type = "const GValue*")] GLib.Value item) throws GLib.Error;
}
