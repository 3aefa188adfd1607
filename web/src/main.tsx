// Entry point: mounts the console shell.
import { render } from 'preact';
import { App } from './app';
import './styles/base.css';
import './styles/components.css';
import './styles/method.css';

render(<App />, document.getElementById('app')!);
